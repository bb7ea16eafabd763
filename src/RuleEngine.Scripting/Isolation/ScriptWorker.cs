using System.Reflection;
using RuleEngine.Records;
using RuleEngine.Schema;
using RuleEngine.Scripting.Compilation;
using RuleEngine.Scripting.Loading;

namespace RuleEngine.Scripting.Isolation;

/// <summary>
/// The worker side of the untrusted tier: loads one compiled script and answers batches of records until its input
/// closes (so a worker never outlives its host). Whatever the script does — crash, hang, exhaust memory — happens in
/// this process; the host only sees the pipe close or go quiet.
/// </summary>
internal static class ScriptWorker
{
    public static int Run(Stream input, Stream output)
    {
        using var reader = new BinaryReader(new BufferedStream(input), WorkerProtocol.Text, leaveOpen: true);
        using var writer = new BinaryWriter(new BufferedStream(output), WorkerProtocol.Text, leaveOpen: true);
        (DatasetSchema schema, string scriptNamespace, byte[] image, byte[] symbols) = WorkerProtocol.ReadScript(reader);
        Assembly assembly = new ScriptLoadContext("RuleEngine script worker").LoadFromStream(new MemoryStream(image), new MemoryStream(symbols));
        Func<object, bool> run = assembly.GetType($"{scriptNamespace}.{ScriptSource.RuleClass}", throwOnError: true)!
            .GetMethod(ScriptSource.EntryPoint)!
            .CreateDelegate<Func<object, bool>>();
        Record record = new RecordLayout(schema).CreateRecord();
        writer.Write(WorkerProtocol.Ready);
        writer.Flush();

        while (true)
        {
            int count;
            try
            {
                count = reader.ReadInt32();
            }
            catch (EndOfStreamException)
            {
                return 0;
            }

            for (int i = 0; i < count; i++)
            {
                WorkerProtocol.ReadRecord(reader, record);
                try
                {
                    writer.Write(run(record) ? WorkerProtocol.True : WorkerProtocol.False);
                }
                catch (Exception e)
                {
                    (bool fromScript, int line, int column) = ScriptFaults.Locate(e, scriptNamespace);
                    (string code, string what) = ScriptFaults.Classify(e);
                    writer.Write(WorkerProtocol.Fault);
                    writer.Write(code);
                    writer.Write(what);
                    writer.Write(fromScript);
                    writer.Write(line);
                    writer.Write(column);
                }
            }

            writer.Flush();
        }
    }
}
