namespace LlamaDb.Retrieval;

/// <summary>Splits a query into the keywords handed to keyword and hybrid search.</summary>
internal static class Keywords
{
    /// <summary>The runs of letters and digits in <paramref name="query"/>, in order (the store analyzes them further).</summary>
    public static string[] Split(string query)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= query.Length; i++)
        {
            bool wordChar = i < query.Length && char.IsLetterOrDigit(query[i]);
            if (wordChar && start < 0)
            {
                start = i;
            }
            else if (!wordChar && start >= 0)
            {
                words.Add(query[start..i]);
                start = -1;
            }
        }

        return [.. words];
    }
}
