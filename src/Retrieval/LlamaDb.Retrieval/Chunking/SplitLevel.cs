namespace LlamaDb.Retrieval;

/// <summary>Where a text may be cut, coarsest first.</summary>
internal enum SplitLevel
{
    /// <summary>After a blank line.</summary>
    Paragraph,

    /// <summary>After a line break.</summary>
    Line,

    /// <summary>After a sentence end (., !, ?, … and CJK stops, with closing quotes) and the whitespace after it.</summary>
    Sentence,

    /// <summary>After a run of whitespace.</summary>
    Word,
}
