namespace LlamaDb.Retrieval;

/// <summary>What the <c>ask_knowledge_base</c> tool returns to the model.</summary>
/// <param name="Answer">The answer text with <c>[n]</c> markers.</param>
/// <param name="Found">Whether the knowledge base had relevant sources.</param>
/// <param name="Citations">The sources the answer cites.</param>
public sealed record KnowledgeBaseAnswer(string Answer, bool Found, IReadOnlyList<RagCitation> Citations);
