using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlamaDb.Retrieval;

/// <summary>The numbered sources that fit the budget: one block of prompt text per source.</summary>
internal sealed record PackedSources(IReadOnlyList<RagCitation> Sources, IReadOnlyList<string> Blocks, int Tokens);

/// <summary>Packing sources into the budget and laying out the prompt.</summary>
internal static class RagPrompt
{
    public const string SourcesHeading = "Sources:";
    public const string NoSources = "Sources: none were found in the knowledge base for this question.";
    public const string QuestionLabel = "Question: ";

    /// <summary>
    /// Numbers chunks in rank order and keeps each whose block fits what is left of the budget; a chunk too large for the
    /// remainder is skipped (a smaller, lower-ranked one may still fit), so numbers stay dense: 1..n in the prompt.
    /// </summary>
    public static PackedSources Pack(IReadOnlyList<RetrievedChunk> chunks, int budget, IPromptTokenCounter counter)
    {
        var sources = new List<RagCitation>();
        var blocks = new List<string>();
        int used = 0;
        foreach (RetrievedChunk chunk in chunks)
        {
            RagCitation candidate = RagCitation.From(sources.Count + 1, chunk);
            string block = FormatSource(candidate);
            int tokens = counter.CountTokens(block);
            if (used + tokens > budget)
            {
                continue;
            }

            used += tokens;
            sources.Add(candidate);
            blocks.Add(block);
        }

        return new PackedSources(sources, blocks, used);
    }

    /// <summary><c>[n] Title — Heading &gt; Path (source)</c> on one line, then the chunk text.</summary>
    public static string FormatSource(RagCitation source)
    {
        var header = new StringBuilder();
        header.Append(CultureInfo.InvariantCulture, $"[{source.Number}]");
        if (!string.IsNullOrWhiteSpace(source.Title))
        {
            header.Append(' ').Append(source.Title.Trim());
        }

        if (!string.IsNullOrWhiteSpace(source.HeadingPath))
        {
            header.Append(" — ").Append(source.HeadingPath.Trim());
        }

        if (!string.IsNullOrWhiteSpace(source.Source))
        {
            header.Append(" (").Append(source.Source.Trim()).Append(')');
        }

        return header.Append('\n').Append(source.Text.Trim()).ToString();
    }

    public static List<ChatMessage> BuildMessages(string systemPrompt, IEnumerable<ChatMessage>? history, IReadOnlyList<string> blocks, string question)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, systemPrompt) };
        if (history is not null)
        {
            int index = 0;
            foreach (ChatMessage message in history)
            {
                messages.Add(message ?? throw new ArgumentException($"RagOptions.History[{index}] is null.", "options"));
                index++;
            }
        }

        var user = new StringBuilder();
        if (blocks.Count == 0)
        {
            user.Append(NoSources);
        }
        else
        {
            user.Append(SourcesHeading);
            foreach (string block in blocks)
            {
                user.Append("\n\n").Append(block);
            }
        }

        user.Append("\n\n").Append(QuestionLabel).Append(question.Trim());
        messages.Add(new ChatMessage(ChatRole.User, user.ToString()));
        return messages;
    }
}
