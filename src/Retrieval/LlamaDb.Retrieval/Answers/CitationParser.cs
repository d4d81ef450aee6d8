using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaDb.Retrieval;

/// <summary>Finds the source numbers an answer cites: <c>[1]</c>, <c>[1][2]</c>, <c>[1, 3]</c>, <c>[2-4]</c>, <c>[2 - 4]</c>.</summary>
internal static partial class CitationParser
{
    /// <summary>The cited numbers within 1..<paramref name="sourceCount"/>, ascending and distinct; others are ignored.</summary>
    public static SortedSet<int> Extract(string text, int sourceCount)
    {
        var numbers = new SortedSet<int>();
        if (string.IsNullOrEmpty(text) || sourceCount == 0)
        {
            return numbers;
        }

        foreach (Match match in Marker().Matches(text))
        {
            foreach (string part in match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int dash = part.IndexOfAny(['-', '–']);
                if (dash > 0
                    && int.TryParse(part.AsSpan(0, dash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                    && int.TryParse(part.AsSpan(dash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int to)
                    && from <= to && to - from < 100)
                {
                    for (int n = from; n <= to; n++)
                    {
                        Add(numbers, n, sourceCount);
                    }
                }
                else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    Add(numbers, n, sourceCount);
                }
            }
        }

        return numbers;
    }

    private static void Add(SortedSet<int> numbers, int n, int sourceCount)
    {
        if (n >= 1 && n <= sourceCount)
        {
            numbers.Add(n);
        }
    }

    [GeneratedRegex(@"\[\s*(\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)\s*\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();
}
