// The worker process of the untrusted script tier: its host writes the script and batches of records to standard
// input and reads the answers from standard output; when the host goes away, standard input closes and this ends.
return RuleEngine.Scripting.Isolation.ScriptWorker.Run(Console.OpenStandardInput(), Console.OpenStandardOutput());
