namespace ChurnActors.Configuration;

/// <summary>Tags of the health checks the processes register.</summary>
public static class HealthTags
{
    /// <summary>Checks <c>/health/ready</c> runs: a dependency the process cannot serve without.</summary>
    public const string Ready = "ready";
}
