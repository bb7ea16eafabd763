namespace RuleEngine.Scripting;

/// <summary>Where scripts run. The host chooses the tier, never the model file.</summary>
public enum ScriptTrust
{
    /// <summary>
    /// In the host process, behind the gate and the budgets: the fastest tier, for model files whose source the host
    /// trusts. The gate and the budgets stop what they know of; they are not a sandbox.
    /// </summary>
    Trusted,

    /// <summary>
    /// In a worker process of the script's own, started by the engine, with a memory limit, no environment of the
    /// host, no network where the platform allows it, and a time limit per batch of records; a worker that crashes or
    /// times out is killed and restarted, and its batch is reported NotEvaluated (RE6307). The host survives whatever
    /// the script does. The default for models from outside.
    /// </summary>
    Untrusted,
}
