using System.CommandLine;
using LlamaDb.Embedders.Onnx;

namespace LlamaDb.Cli.Commands;

/// <summary><c>llamadb info</c>: the ONNX Runtime in use and, with --model, what the model folder resolves to.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the ONNX Runtime library in use and, with --model, the model's inputs, outputs and settings.")
        {
            EmbedCommand.ModelOption,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.RunAsync(parseResult, async () =>
        {
            Console.WriteLine($"onnxruntime: {OnnxRuntime.Version} ({OnnxRuntime.LibraryPath})");
            if (parseResult.GetValue(EmbedCommand.ModelOption) is null && Environment.GetEnvironmentVariable("LLAMADB_MODEL") is null)
            {
                return 0;
            }

            using OnnxEmbeddingGenerator generator = await EmbedCommand.CreateGeneratorAsync(parseResult, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"model: {generator.ModelId}");
            Console.WriteLine($"dimensions: {generator.Dimensions}");
            Console.WriteLine($"max sequence length: {generator.MaxSequenceLength}");
            Console.WriteLine($"pooling: {generator.Pooling} (output {generator.OutputName}), normalize: {generator.Normalize}");
            foreach (OnnxTensorInfo input in generator.ModelInputs)
            {
                Console.WriteLine($"input  {input}");
            }

            foreach (OnnxTensorInfo output in generator.ModelOutputs)
            {
                Console.WriteLine($"output {output}");
            }

            return 0;
        }));
        return command;
    }
}
