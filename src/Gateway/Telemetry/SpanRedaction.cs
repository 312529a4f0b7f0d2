using System.Diagnostics;
using System.Globalization;
using ChurnActors.Gateway.Logging;
using OpenTelemetry;

namespace ChurnActors.Gateway.Telemetry;

/// <summary>
/// Masks phone numbers in every span before it is exported, as the logs do
/// (<see cref="PhoneNumberRedaction"/>): Orleans names the grain of each call (a subscriber's is its
/// number), ASP.NET Core the request's path. The span's name, its attributes and its status
/// description are masked; spans carry no events of their own here (exceptions are not recorded).
/// </summary>
public sealed class SpanRedaction : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        activity.DisplayName = PhoneNumberRedaction.Redact(activity.DisplayName);
        if (activity.StatusDescription is { } description)
        {
            activity.SetStatus(activity.Status, PhoneNumberRedaction.Redact(description));
        }

        List<KeyValuePair<string, string>>? masked = null;
        foreach (var tag in activity.TagObjects)
        {
            if ((tag.Value as string ?? Convert.ToString(tag.Value, CultureInfo.InvariantCulture)) is { } text
                && PhoneNumberRedaction.Redact(text) is var safe
                && !string.Equals(safe, text, StringComparison.Ordinal))
            {
                (masked ??= []).Add(new(tag.Key, safe));
            }
        }

        if (masked is not null)
        {
            foreach (var (key, value) in masked)
            {
                activity.SetTag(key, value);
            }
        }
    }
}
