using LlamaDb.Cli.Commands;
using LlamaDb.Cli.Settings;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

public sealed class CliSettingsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llamadb-settings-" + Guid.NewGuid().ToString("N"));

    public CliSettingsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void Get_FileThenEnvironmentThenFlag_LaterSourcesWin()
    {
        File.WriteAllText(Path.Combine(_directory, CliSettings.FileName), """{ "store": "from-file", "collection": "file-collection", "top": 7 }""");
        var environment = new Dictionary<string, string?> { ["LLAMADB_STORE"] = "from-env" };

        CliSettings settings = CliSettings.Load(null, _directory, name => environment.GetValueOrDefault(name));

        Assert.Equal("from-flag", settings.Get("store", "from-flag"));
        Assert.Equal("from-env", settings.Get("store", null));
        Assert.Equal("file-collection", settings.Get("collection", null));
        Assert.Equal(7, settings.GetInt("top", null, 10, "--top"));
        Assert.Equal(3, settings.GetInt("top", 3, 10, "--top"));
        Assert.Null(settings.Get("model", null));
    }

    [Fact]
    public void Load_UnknownKey_IsAUsageErrorNamingIt()
    {
        File.WriteAllText(Path.Combine(_directory, CliSettings.FileName), """{ "stor": "x" }""");

        CliUsageException ex = Assert.Throws<CliUsageException>(() => CliSettings.Load(null, _directory, _ => null));

        Assert.Contains("\"stor\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_Missing_NamesFlagVariableAndKey()
    {
        CliSettings settings = CliSettings.Load(null, _directory, _ => null);

        CliUsageException ex = Assert.Throws<CliUsageException>(() => settings.Require("store", null, "--store"));

        Assert.Contains("--store", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LLAMADB_STORE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"store\"", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
