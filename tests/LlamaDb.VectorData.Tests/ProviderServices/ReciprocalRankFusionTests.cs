using LlamaDb.VectorData.ProviderServices;

namespace LlamaDb.VectorData.Tests.ProviderServices;

public sealed class ReciprocalRankFusionTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Fuse_TwoRankings_SumsOneOverKPlusRank()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([["A", "B", "C"], ["B", "D"]]);

        Assert.Equal(["B", "A", "D", "C"], fused.Select(f => f.Item));
        Assert.Equal((1.0 / 62) + (1.0 / 61), fused[0].Score, Tolerance);
        Assert.Equal(1.0 / 61, fused[1].Score, Tolerance);
        Assert.Equal(1.0 / 62, fused[2].Score, Tolerance);
        Assert.Equal(1.0 / 63, fused[3].Score, Tolerance);
    }

    [Fact]
    public void Fuse_DefaultK_Is60()
    {
        Assert.Equal(60, ReciprocalRankFusion.DefaultK);
        Assert.Equal(1.0 / 61, ReciprocalRankFusion.Fuse<string>([["A"]]).Single().Score, Tolerance);
    }

    [Fact]
    public void Fuse_Weights_ScaleEachRankingsContribution()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([["A", "B", "C"], ["B", "D"]], weights: [2.0, 1.0]);

        Assert.Equal(["B", "A", "C", "D"], fused.Select(f => f.Item));
        Assert.Equal((2.0 / 62) + (1.0 / 61), fused[0].Score, Tolerance);
        Assert.Equal(2.0 / 61, fused[1].Score, Tolerance);
        Assert.Equal(2.0 / 63, fused[2].Score, Tolerance);
        Assert.Equal(1.0 / 62, fused[3].Score, Tolerance);
    }

    [Fact]
    public void Fuse_ZeroWeight_DropsTheRankingsInfluence()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([["A", "B"], ["B", "A"]], weights: [1.0, 0.0]);

        Assert.Equal(["A", "B"], fused.Select(f => f.Item));
        Assert.Equal(1.0 / 61, fused[0].Score, Tolerance);
    }

    [Fact]
    public void Fuse_CustomK_UsesIt()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([["A"], ["B", "A"]], k: 0);

        Assert.Equal(["A", "B"], fused.Select(f => f.Item));
        Assert.Equal(1.5, fused[0].Score, Tolerance);
        Assert.Equal(1.0, fused[1].Score, Tolerance);
    }

    [Fact]
    public void Fuse_Ties_KeepFirstAppearanceOrder()
    {
        Assert.Equal(["A", "B"], ReciprocalRankFusion.Fuse<string>([["A", "B"], ["B", "A"]]).Select(f => f.Item));
        Assert.Equal(["B", "A"], ReciprocalRankFusion.Fuse<string>([["B", "A"], ["A", "B"]]).Select(f => f.Item));
        Assert.Equal(["X", "Y"], ReciprocalRankFusion.Fuse<string>([["X"], ["Y"]]).Select(f => f.Item));
        Assert.Equal(["Y", "X"], ReciprocalRankFusion.Fuse<string>([["Y"], ["X"]]).Select(f => f.Item));
    }

    [Fact]
    public void Fuse_ItemInOneRankingOnly_ScoresOnlyThatRanking()
    {
        IReadOnlyList<(int Item, double Score)> fused = ReciprocalRankFusion.Fuse<int>([[1, 2, 3], [4, 5, 6]]);

        Assert.Equal([1, 4, 2, 5, 3, 6], fused.Select(f => f.Item));
        Assert.Equal(1.0 / 63, fused.Single(f => f.Item == 6).Score, Tolerance);
    }

    [Fact]
    public void Fuse_EmptyRankings_ReturnsNothing()
    {
        Assert.Empty(ReciprocalRankFusion.Fuse<string>([]));
        Assert.Empty(ReciprocalRankFusion.Fuse<string>([[], []]));
    }

    [Fact]
    public void Fuse_OneEmptyRanking_ReturnsTheOther()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([[], ["A", "B"]]);

        Assert.Equal(["A", "B"], fused.Select(f => f.Item));
    }

    [Fact]
    public void Fuse_Comparer_MatchesItemsAcrossRankings()
    {
        IReadOnlyList<(string Item, double Score)> fused = ReciprocalRankFusion.Fuse<string>([["a"], ["A"]], comparer: StringComparer.OrdinalIgnoreCase);

        Assert.Equal("a", Assert.Single(fused).Item);
        Assert.Equal(2.0 / 61, fused[0].Score, Tolerance);
    }

    [Fact]
    public void Fuse_WrongNumberOfWeights_ThrowsArgumentException()
    {
        var exception = Assert.Throws<ArgumentException>(() => ReciprocalRankFusion.Fuse<string>([["A"], ["B"]], weights: [1.0]));

        Assert.Equal("weights", exception.ParamName);
    }

    [Fact]
    public void Fuse_NegativeK_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReciprocalRankFusion.Fuse<string>([["A"]], k: -1));
}
