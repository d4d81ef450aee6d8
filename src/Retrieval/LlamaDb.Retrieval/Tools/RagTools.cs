using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>
/// Knowledge-base tools for agents, as <see cref="AIFunction"/>s made with <see cref="AIFunctionFactory"/>: any
/// function-calling <see cref="IChatClient"/> can offer them in <see cref="ChatOptions.Tools"/>, and Semantic Kernel can
/// use them too (its <c>KernelFunction</c> is an <see cref="AIFunction"/>).
/// </summary>
public static class RagTools
{
    /// <summary>Creates both tools: <c>search_knowledge_base(query, top)</c> and <c>ask_knowledge_base(question)</c>.</summary>
    /// <param name="pipeline">Answers questions.</param>
    /// <param name="retriever">Searches.</param>
    /// <param name="options">Names and limits; defaults when null. Validated here.</param>
    /// <returns>The tools, search first.</returns>
    public static IList<AITool> Create(RagPipeline pipeline, IRetriever retriever, RagToolOptions? options = null) =>
        [CreateSearchFunction(retriever, options), CreateAskFunction(pipeline, options)];

    /// <summary>Creates <c>search_knowledge_base(query, top)</c>: the best chunks for a query, numbered, with their sources.</summary>
    /// <param name="retriever">Searches.</param>
    /// <param name="options">Names and limits; defaults when null.</param>
    /// <returns>The function.</returns>
    public static AIFunction CreateSearchFunction(IRetriever retriever, RagToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        options ??= new RagToolOptions();
        options.Validate();
        int defaultTop = Math.Min(options.DefaultTop, options.MaxTop);
        int maxTop = options.MaxTop;

        async Task<IReadOnlyList<RagCitation>> SearchAsync(
            [Description("What to look for, in natural language or keywords.")] string query,
            [Description("How many passages to return (at most the tool's limit).")] int? top = null,
            CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(query))
            {
                return [];
            }

            int count = Math.Clamp(top ?? defaultTop, 1, maxTop);

            // Only Top is set: mode, candidates (never fewer than Top) and the rest come from the retriever's defaults.
            IReadOnlyList<RetrievedChunk> chunks = await retriever.RetrieveAsync(query, new RetrievalOptions { Top = count }, cancellationToken).ConfigureAwait(false);
            var results = new List<RagCitation>(Math.Min(chunks.Count, count));
            for (int i = 0; i < chunks.Count && i < count; i++)
            {
                results.Add(RagCitation.From(i + 1, chunks[i]));
            }

            return results;
        }

        return AIFunctionFactory.Create(
            (Func<string, int?, CancellationToken, Task<IReadOnlyList<RagCitation>>>)SearchAsync,
            new AIFunctionFactoryOptions
            {
                Name = options.SearchToolName,
                Description = "Searches the knowledge base and returns the most relevant passages, best first, each with a number, " +
                    "its text, document id, source and offsets. Cite a passage by its source.",
            });
    }

    /// <summary>Creates <c>ask_knowledge_base(question)</c>: an answer written only from the knowledge base, with citations.</summary>
    /// <param name="pipeline">Answers questions.</param>
    /// <param name="options">Names; defaults when null.</param>
    /// <returns>The function.</returns>
    public static AIFunction CreateAskFunction(RagPipeline pipeline, RagToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new RagToolOptions();
        options.Validate();

        async Task<KnowledgeBaseAnswer> AskAsync(
            [Description("The question to answer from the knowledge base.")] string question,
            CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(question))
            {
                return new KnowledgeBaseAnswer(RagPipelineOptions.DefaultNotFoundAnswer, Found: false, []);
            }

            RagAnswer answer = await pipeline.AskAsync(question, options: null, cancellationToken).ConfigureAwait(false);
            return new KnowledgeBaseAnswer(answer.Text, !answer.NothingFound, answer.Citations);
        }

        return AIFunctionFactory.Create(
            (Func<string, CancellationToken, Task<KnowledgeBaseAnswer>>)AskAsync,
            new AIFunctionFactoryOptions
            {
                Name = options.AskToolName,
                Description = "Answers a question using only the knowledge base; the answer cites its sources as [n] and lists them.",
            });
    }
}
