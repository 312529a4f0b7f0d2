using System.Text.RegularExpressions;

namespace ChurnActors.UnitTests.Contracts;

/// <summary>The engagement's transition table in code is the one the design documents, move for move.</summary>
public sealed partial class EngagementStatusTests
{
    [Fact]
    public void The_code_allows_exactly_the_moves_the_design_lists()
    {
        var documented = DocumentedMoves();
        var statuses = Enum.GetValues<EngagementStatus>();
        var coded = statuses
            .SelectMany(from => statuses.Where(to => from.CanMoveTo(to)).Select(to => (from.ToWire(), to.ToWire())))
            .ToHashSet();

        Assert.NotEmpty(documented);
        Assert.Equal(documented.OrderBy(m => m).ToList(), coded.OrderBy(m => m).ToList());
    }

    [Fact]
    public void A_new_engagement_starts_pending_or_deferred_and_an_answered_one_never_moves()
    {
        Assert.Equal(
            [EngagementStatus.Deferred, EngagementStatus.Pending],
            Enum.GetValues<EngagementStatus>().Where(s => s.CanStartIn()).Order().ToArray());
        Assert.DoesNotContain(Enum.GetValues<EngagementStatus>(), next => EngagementStatus.Answered.CanMoveTo(next));
        Assert.DoesNotContain(Enum.GetValues<EngagementStatus>(), next => EngagementStatus.Suppressed.CanMoveTo(next) || next.CanMoveTo(EngagementStatus.Suppressed));
    }

    /// <summary>The rows of the table in docs/design.md §4 whose "from" names statuses: every (from, to) pair they list.</summary>
    private static HashSet<(string, string)> DocumentedMoves()
    {
        var design = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "design.md"));
        var section = design[design.IndexOf("## 4.", StringComparison.Ordinal)..design.IndexOf("## 5.", StringComparison.Ordinal)];
        var moves = new HashSet<(string, string)>();
        foreach (Match row in TableRow().Matches(section))
        {
            foreach (Match from in Status().Matches(row.Groups["from"].Value))
            {
                foreach (Match to in Status().Matches(row.Groups["to"].Value))
                {
                    moves.Add((from.Groups[1].Value, to.Groups[1].Value));
                }
            }
        }

        return moves;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChurnActors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ChurnActors.sln) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| (?<from>[^|]+) \| (?<to>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex Status();
}
