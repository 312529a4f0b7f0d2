namespace ChurnActors;

public static class Msisdns
{
    /// <summary>Masks a number for logs: country code and the last two digits stay, the rest is hidden.</summary>
    public static string Mask(string? msisdn)
    {
        if (string.IsNullOrEmpty(msisdn))
        {
            return "(none)";
        }

        if (msisdn.Length <= 5)
        {
            return new string('*', msisdn.Length);
        }

        return string.Concat(msisdn.AsSpan(0, 3), new string('*', msisdn.Length - 5), msisdn.AsSpan(msisdn.Length - 2));
    }
}
