using ChurnActors.Records;

namespace ChurnActors.Grains.Subscribers;

/// <summary>
/// The records a subscriber owes the data lake (<see cref="SubscriberState.UnpublishedRecords"/>):
/// those of a change already written whose publishing the record stream refused. They go out first,
/// ahead of any new change's records, and past <paramref name="capacity"/> the subscriber takes no
/// new change until they are sent, so its state stays bounded however long the lake is away.
/// </summary>
public readonly struct RecordOutbox(List<ChurnRecord> owed, int capacity)
{
    public int Count => owed.Count;

    /// <summary>Owing this many, the subscriber sends them before it takes anything new.</summary>
    public bool IsFull => owed.Count >= capacity;

    /// <summary>What to publish now: every owed record, then <paramref name="fresh"/>, in order.</summary>
    public ChurnRecord[] ToSend(IReadOnlyList<ChurnRecord> fresh)
    {
        if (owed.Count == 0 && fresh.Count == 0)
        {
            return [];
        }

        var sending = new ChurnRecord[owed.Count + fresh.Count];
        owed.CopyTo(sending);
        for (var i = 0; i < fresh.Count; i++)
        {
            sending[owed.Count + i] = fresh[i];
        }

        return sending;
    }

    /// <summary>
    /// The stream took the first <paramref name="published"/> of <paramref name="sent"/> (from
    /// <see cref="ToSend"/>, with nothing owed added since); the rest are owed. Returns whether what
    /// is owed changed, which the state must then write.
    /// </summary>
    public bool Settle(ChurnRecord[] sent, int published)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(published);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(published, sent.Length);
        var before = owed.Count;
        var unchanged = (published == 0 && sent.Length == before) || (before == 0 && published == sent.Length);
        if (unchanged)
        {
            return false;
        }

        owed.Clear();
        owed.AddRange(sent.AsSpan(published));
        return true;
    }
}
