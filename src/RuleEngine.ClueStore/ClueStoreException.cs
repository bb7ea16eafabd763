namespace RuleEngine.ClueStore;

/// <summary>A clue store refused an operation; <see cref="Code"/> says why (<see cref="ClueStoreErrorCodes"/>).</summary>
public sealed class ClueStoreException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ClueStoreException"/> class.</summary>
    public ClueStoreException()
        : this(ClueStoreErrorCodes.InvalidArgument, "The clue store refused the operation.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClueStoreException"/> class.</summary>
    /// <param name="message">The message; it never holds a personal value.</param>
    public ClueStoreException(string message)
        : this(ClueStoreErrorCodes.InvalidArgument, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClueStoreException"/> class.</summary>
    /// <param name="message">The message; it never holds a personal value.</param>
    /// <param name="innerException">The cause.</param>
    public ClueStoreException(string message, Exception innerException)
        : base(message, innerException) => Code = ClueStoreErrorCodes.InvalidArgument;

    /// <summary>Initializes a new instance of the <see cref="ClueStoreException"/> class.</summary>
    /// <param name="code">The code, one of <see cref="ClueStoreErrorCodes"/>.</param>
    /// <param name="message">The message; it never holds a personal value.</param>
    public ClueStoreException(string code, string message)
        : base(message) => Code = code;

    /// <summary>Gets the code: one of <see cref="ClueStoreErrorCodes"/>.</summary>
    public string Code { get; }
}

/// <summary>The codes of <see cref="ClueStoreException"/>.</summary>
public static class ClueStoreErrorCodes
{
    /// <summary>No clue or run has that id, or the caller's region does not cover it (the two are not told apart).</summary>
    public const string NotFound = "RE8001";

    /// <summary>The action is not allowed from the clue's state (rejecting a clue that is already confirmed).</summary>
    public const string InvalidTransition = "RE8002";

    /// <summary>Someone else changed the clue since the caller read it; read it again.</summary>
    public const string Conflict = "RE8003";

    /// <summary>An argument is not valid: an unknown document type, a missing reason, an empty assignee.</summary>
    public const string InvalidArgument = "RE8004";

    /// <summary>The database's schema is newer than this library; upgrade the library.</summary>
    public const string SchemaTooNew = "RE8005";

    /// <summary>A row holds a value this library cannot read.</summary>
    public const string CorruptRow = "RE8006";
}
