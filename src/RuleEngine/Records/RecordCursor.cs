namespace RuleEngine.Records;

/// <summary>What one read from a <see cref="RecordCursor"/> produced.</summary>
internal enum ReadOutcome
{
    /// <summary>The target record was filled.</summary>
    Record,

    /// <summary>A record was read but rejected; <see cref="RecordCursor.Rejection"/> says why.</summary>
    Rejected,

    /// <summary>The source has no more records.</summary>
    End,

    /// <summary>
    /// Nothing was read: the source reached the end of one unit of its input (a message of binary batches) and the
    /// records read so far should be handed on now rather than wait for a full batch.
    /// </summary>
    Boundary,
}

/// <summary>An open, forward-only read of a <see cref="RecordSource"/> into pooled records.</summary>
internal abstract class RecordCursor : IAsyncDisposable
{
    /// <summary>Gets the rejection of the last read whose outcome was <see cref="ReadOutcome.Rejected"/>.</summary>
    private Stream? _input;

    public RecordRejection? Rejection { get; protected set; }

    /// <summary>Gets how far through its input the cursor has read, from 0 to 1, when the input has a known length.</summary>
    public virtual double? Fraction
    {
        get
        {
            try
            {
                return _input is { CanSeek: true } input && input.Length > 0 ? Math.Min(1, (double)input.Position / input.Length) : null;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                return null;
            }
        }
    }

    /// <summary>Gets where the physical lines of a text input read so far went; <see langword="null"/> for inputs without lines.</summary>
    public virtual LineAccount? Lines => null;

    /// <summary>Lets <see cref="Fraction"/> follow the position of the cursor's input.</summary>
    protected void Track(Stream input) => _input = input;

    public abstract ValueTask<ReadOutcome> ReadAsync(Record target, CancellationToken cancellationToken);

    /// <summary>
    /// Parses a record that <see cref="ReadAsync"/> split but left unparsed (a cursor opened to defer parsing): safe to
    /// call from several threads at once, each with its own record. Returns the rejection when a value does not parse,
    /// <see langword="null"/> when the record is ready (or was never deferred).
    /// </summary>
    public virtual RecordRejection? Complete(Record record) => null;

    public abstract ValueTask DisposeAsync();

    protected ReadOutcome Reject(string dataset, long line, (string Code, string Message) failure, string? field = null, string? raw = null)
    {
        Rejection = new RecordRejection(dataset, line, failure.Code, failure.Message) { Field = field, RawRecord = raw };
        return ReadOutcome.Rejected;
    }
}
