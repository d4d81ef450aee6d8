using FsCheck;
using Microsoft.FSharp.Core;

namespace LlamaDb.Connectors.Hnsw.Tests.FullText;

/// <summary>Shared seeds and FsCheck configuration for the full-text tests.</summary>
internal static class FullTextTestData
{
    /// <summary>A fixed-seed FsCheck configuration: failures replay the same way every run.</summary>
    public static Config Seeded(int maxTest, ulong seed = 20250101) =>
        Config.QuickThrowOnFailure.WithMaxTest(maxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));

    /// <summary>A small vocabulary of words that the English analyzer keeps unchanged.</summary>
    public static readonly string[] Words =
    [
        "cat", "dog", "fish", "bird", "lion", "wolf", "bear", "deer", "frog", "goat", "hawk", "mole", "newt", "owl",
        "pig", "rat", "seal", "toad", "yak", "zebra",
    ];

    /// <summary>Makes a random document of 1 to <paramref name="maxLength"/> words from <see cref="Words"/>.</summary>
    public static string RandomText(Random random, int maxLength, int vocabulary = 20)
    {
        int length = random.Next(1, maxLength + 1);
        var words = new string[length];
        for (int i = 0; i < length; i++)
        {
            words[i] = Words[random.Next(Math.Min(vocabulary, Words.Length))];
        }

        return string.Join(' ', words);
    }
}
