namespace LlamaDb.Server.Stores;

/// <summary>
/// A store that cannot be opened or reached (a malformed connection string, a server that does not answer). Its message
/// names the store (without secrets) and the cause: it is the whole story.
/// </summary>
internal sealed class StoreException : Exception
{
    public StoreException()
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
