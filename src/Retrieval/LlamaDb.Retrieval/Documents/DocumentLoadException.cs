namespace LlamaDb.Retrieval;

/// <summary>Thrown by a loader when one document cannot be loaded; carries the <see cref="DocumentLoadProblem"/>.</summary>
public sealed class DocumentLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DocumentLoadException()
        : this(new DocumentLoadProblem(string.Empty, DocumentLoadProblemKind.Unreadable, "The document could not be loaded."))
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DocumentLoadException(string message)
        : this(new DocumentLoadProblem(string.Empty, DocumentLoadProblemKind.Unreadable, message))
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DocumentLoadException(string message, Exception innerException)
        : this(new DocumentLoadProblem(string.Empty, DocumentLoadProblemKind.Unreadable, message), innerException)
    {
    }

    /// <summary>Creates the exception for a problem.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DocumentLoadException(DocumentLoadProblem problem, Exception? innerException = null)
        : base((problem ?? throw new ArgumentNullException(nameof(problem))).Message, innerException)
    {
        Problem = problem;
    }

    /// <summary>Gets the problem.</summary>
    public DocumentLoadProblem Problem { get; }
}
