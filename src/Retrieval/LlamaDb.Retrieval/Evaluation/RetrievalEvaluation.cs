namespace LlamaDb.Retrieval;

/// <summary>Mean BEIR metrics over the judged queries of a run.</summary>
/// <param name="Queries">The queries evaluated.</param>
/// <param name="NdcgAt10">Mean nDCG@10.</param>
/// <param name="RecallAt100">Mean Recall@100.</param>
/// <param name="MrrAt10">Mean reciprocal rank@10.</param>
/// <param name="MapAt100">Mean average precision@100.</param>
/// <param name="Seconds">Wall-clock seconds spent searching.</param>
public sealed record RetrievalEvaluation(int Queries, double NdcgAt10, double RecallAt100, double MrrAt10, double MapAt100, double Seconds);
