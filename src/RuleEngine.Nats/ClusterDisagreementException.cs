namespace RuleEngine.Nats;

/// <summary>
/// The cluster gave two answers that cannot both be true (a stream missing, then present) while it heals: a call that
/// meets it is retried like any other answer of a cluster electing a leader (<see cref="JetStreamRetry"/>).
/// </summary>
internal sealed class ClusterDisagreementException : Exception
{
    public ClusterDisagreementException()
    {
    }

    public ClusterDisagreementException(string message)
        : base(message)
    {
    }

    public ClusterDisagreementException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
