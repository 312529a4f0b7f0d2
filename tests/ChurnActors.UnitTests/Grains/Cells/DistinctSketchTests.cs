using ChurnActors.Grains.Cells;

namespace ChurnActors.UnitTests.Grains.Cells;

public sealed class DistinctSketchTests
{
    [Fact]
    public void Estimates_a_large_count_within_three_percent()
    {
        const int truth = 100_000;
        var sketch = new DistinctSketch();
        for (var i = 0; i < truth; i++)
        {
            sketch.Add(Msisdn(i));
        }

        Assert.InRange(sketch.Estimate(), truth * 0.97, truth * 1.03);
    }

    [Fact]
    public void Counts_a_value_added_again_once()
    {
        var sketch = new DistinctSketch();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                sketch.Add(Msisdn(i));
            }
        }

        Assert.InRange(sketch.Estimate(), 970, 1_030);
    }

    [Fact]
    public void Is_close_to_exact_for_small_counts()
    {
        var sketch = new DistinctSketch();
        Assert.Equal(0, sketch.Estimate());

        for (var i = 0; i < 10; i++)
        {
            sketch.Add(Msisdn(i));
        }

        Assert.Equal(10, sketch.Estimate());
    }

    [Fact]
    public void Merging_estimates_the_union()
    {
        var first = new DistinctSketch();
        var second = new DistinctSketch();
        for (var i = 0; i < 60_000; i++)
        {
            first.Add(Msisdn(i));
        }

        for (var i = 40_000; i < 100_000; i++)
        {
            second.Add(Msisdn(i));
        }

        first.Merge(second);

        Assert.InRange(first.Estimate(), 97_000, 103_000);
    }

    private static string Msisdn(int i) => $"+44770{i:D7}";
}
