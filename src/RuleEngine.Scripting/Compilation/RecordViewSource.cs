using System.Security.Cryptography;
using System.Text;
using RuleEngine.Schema;

namespace RuleEngine.Scripting.Compilation;

/// <summary>
/// The C# file of a schema's <c>RecordView</c>: a struct with a typed property per field, in a namespace named after
/// its content. Every script over the schema is compiled inside that namespace and shares the one struct, so a set
/// of a thousand scripts binds and emits the view once, not a thousand times.
/// </summary>
internal sealed class RecordViewSource
{
    private const string NamespacePrefix = "RuleEngine.Scripts.V";

    private RecordViewSource(string @namespace, string text, IReadOnlyDictionary<string, string> properties)
    {
        Namespace = @namespace;
        Text = text;
        Properties = properties;
    }

    /// <summary>Gets the namespace of the view, named after its content.</summary>
    public string Namespace { get; }

    /// <summary>Gets the generated C# text.</summary>
    public string Text { get; }

    /// <summary>Gets the field name behind each property of the view.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>Gets the path the view's tree is parsed under (it names the view in symbols and stack traces).</summary>
    public string Path => Namespace + ".cs";

    /// <summary>Builds the view of a schema.</summary>
    /// <param name="schema">The schema of the record.</param>
    public static RecordViewSource For(DatasetSchema schema)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var view = new StringBuilder();
        ScriptSource.AppendRecordView(view, schema, properties);
        string @namespace = NamespacePrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(view.ToString())), 0, 8);
        string text = "#nullable enable\nnamespace " + @namespace + "\n{\n" + view + "}\n";
        return new RecordViewSource(@namespace, text, properties);
    }
}
