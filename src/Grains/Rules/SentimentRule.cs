using ChurnActors.Grains.Options;

namespace ChurnActors.Grains.Rules;

/// <summary>How an answer moves sentiment, and how sentiment recovers once the subscriber is left in peace.</summary>
public sealed class SentimentRule(SentimentOptions options)
{
    public int Start => options.Start;

    /// <summary>The change a score (1–5) brings, before bounds.</summary>
    public int ChangeFor(int score)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(score, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, 5);
        return options.ScoreChanges[score - 1];
    }

    /// <summary>Sentiment after an answer, kept within bounds.</summary>
    public int Apply(int sentiment, int score) =>
        Math.Clamp(sentiment + ChangeFor(score), options.Min, options.Max);

    /// <summary>
    /// Sentiment after a quiet period: one step back toward the start for every full recovery period
    /// since the last change. Returns the recovered value and the time the last step took effect.
    /// </summary>
    public (int Sentiment, DateTimeOffset Since) Recover(int sentiment, DateTimeOffset lastChange, DateTimeOffset now)
    {
        if (sentiment == options.Start || now <= lastChange)
        {
            return (sentiment, lastChange);
        }

        var periods = (long)((now - lastChange) / options.RecoveryAfter);
        if (periods == 0)
        {
            return (sentiment, lastChange);
        }

        var distance = Math.Abs(options.Start - sentiment);
        var steps = (int)Math.Min(periods, distance);
        var recovered = sentiment + (Math.Sign(options.Start - sentiment) * steps);
        return (recovered, lastChange + (options.RecoveryAfter * steps));
    }
}
