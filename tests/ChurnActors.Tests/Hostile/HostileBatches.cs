using System.Globalization;
using System.Text;
using System.Text.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Hostile;

/// <summary>The batches the over-the-wire hostile tests send.</summary>
public static class HostileBatches
{
    /// <summary>Events whose timestamps have no offset: each one refused, together large enough to exceed any transport's item limit.</summary>
    public static string WithoutOffsets(int count, string run) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new
        {
            eventId = $"{run}-no-offset-{i}",
            msisdn = Probe.NewMsisdn(),
            type = "CALL_DROP",
            status = "FAIL",
            timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            cell = "234-15-HOSTILE",
            vendor = new string('v', 64),
        }))) + "]";

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
