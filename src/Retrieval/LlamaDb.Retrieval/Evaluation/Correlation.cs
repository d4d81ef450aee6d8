namespace LlamaDb.Retrieval;

/// <summary>Correlation coefficients for STS evaluation (model similarity against gold scores).</summary>
public static class Correlation
{
    /// <summary>Pearson's correlation coefficient.</summary>
    /// <param name="x">The first values.</param>
    /// <param name="y">The second values, as many as <paramref name="x"/>.</param>
    /// <returns>r in [-1, 1]; NaN when either side is constant.</returns>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Validate(x, y);
        double meanX = 0, meanY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }

        meanX /= x.Count;
        meanY /= y.Count;
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }

        return varianceX == 0 || varianceY == 0 ? double.NaN : covariance / Math.Sqrt(varianceX * varianceY);
    }

    /// <summary>Spearman's rank correlation: Pearson's r of the ranks, tied values sharing their average rank.</summary>
    /// <param name="x">The first values.</param>
    /// <param name="y">The second values, as many as <paramref name="x"/>.</param>
    /// <returns>ρ in [-1, 1]; NaN when either side is constant.</returns>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Validate(x, y);
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    /// <summary>1-based ranks in ascending order; tied values get the mean of the ranks they span.</summary>
    /// <param name="values">The values (no NaN).</param>
    /// <returns>The ranks, in the values' order.</returns>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int[] order = new int[values.Count];
        for (int i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException($"values[{i}] is NaN.", nameof(values));
            }

            order[i] = i;
        }

        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
        double[] ranks = new double[values.Count];
        int start = 0;
        while (start < order.Length)
        {
            int end = start + 1;
            while (end < order.Length && values[order[end]] == values[order[start]])
            {
                end++;
            }

            double rank = ((start + 1) + end) / 2.0;
            for (int i = start; i < end; i++)
            {
                ranks[order[i]] = rank;
            }

            start = end;
        }

        return ranks;
    }

    private static void Validate(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values and y has {y.Count}.", nameof(y));
        }

        if (x.Count < 2)
        {
            throw new ArgumentException("At least two pairs are needed.", nameof(x));
        }
    }
}
