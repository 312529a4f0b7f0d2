namespace ChurnActors.Grains.Rules;

/// <summary>A type's fail rate over its window and whether it exceeds the threshold (strictly, on enough sessions).</summary>
public readonly record struct FailRate(int Sessions, int Failures, double Rate, double Threshold, bool Exceeded)
{
    public static FailRate Of(int ok, int fail, double threshold, int minSamples)
    {
        var sessions = ok + fail;
        var rate = sessions == 0 ? 0 : (double)fail / sessions;
        return new FailRate(sessions, fail, rate, threshold, sessions >= minSamples && rate > threshold);
    }

    /// <summary>How far the rate exceeds its threshold, times the sessions affected: the dispatcher serves the largest first.</summary>
    public double Severity => Math.Max(0, Rate - Threshold) * Failures;
}
