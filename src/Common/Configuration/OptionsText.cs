using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ChurnActors.Configuration;

/// <summary>
/// Options as a line a log may carry: every setting by its configuration key; one marked with Orleans'
/// <see cref="Orleans.RedactAttribute"/> (a secret, a phone number) or <see cref="Orleans.RedactConnectionStringAttribute"/>
/// as that attribute redacts it, as Orleans' own options log does, and <c>(unset)</c> when empty.
/// </summary>
public static class OptionsText
{
    public static string Describe(object options) => string.Join(", ", options.GetType().GetProperties()
        .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true, IsStatic: false } && p.SetMethod is { IsPublic: true })
        .Select(p => $"{KeyOf(p)}={ValueOf(p, p.GetValue(options))}"));

    private static string KeyOf(System.Reflection.PropertyInfo property) =>
        property.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), inherit: false) is [ConfigurationKeyNameAttribute named] ? named.Name : property.Name;

    private static string ValueOf(System.Reflection.PropertyInfo property, object? value)
    {
        if (property.GetCustomAttributes(typeof(Orleans.RedactAttribute), inherit: true) is [Orleans.RedactAttribute redact, ..])
        {
            return value is null || (value is string text && text.Length == 0) ? "(unset)" : redact.Redact(value);
        }

        return value switch
        {
            null => "(unset)",
            string text => text,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))) + "]",
            _ when value.GetType().Namespace?.StartsWith("ChurnActors", StringComparison.Ordinal) == true && value.GetType().IsClass => $"({Describe(value)})",
            _ => value.ToString() ?? "",
        };
    }
}
