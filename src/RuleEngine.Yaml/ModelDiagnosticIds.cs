namespace RuleEngine.Yaml;

/// <summary>
/// The stable codes of the diagnostics the YAML front end reports (RE1001–RE1099). Problems inside conditions keep
/// the core's codes (<see cref="Diagnostics.DiagnosticIds"/>). Each code is described in <c>docs/model-format.md</c>.
/// </summary>
public static class ModelDiagnosticIds
{
    /// <summary>The file is not valid YAML.</summary>
    public const string SyntaxError = "RE1001";

    /// <summary>A key the model format does not have (with a did-you-mean hint).</summary>
    public const string UnknownKey = "RE1002";

    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "RE1003";

    /// <summary>A value of the wrong kind: a list where text is expected, text that is not a number, a boolean or a date.</summary>
    public const string WrongValueType = "RE1004";

    /// <summary>The same key twice in one mapping, quoted or not.</summary>
    public const string DuplicateKey = "RE1005";

    /// <summary>Two models with the same id, or two datasets with the same name.</summary>
    public const string DuplicateId = "RE1006";

    /// <summary>A value outside its allowed set (status, branch, type, region code, id format, severity).</summary>
    public const string InvalidValue = "RE1007";

    /// <summary>Anchors and aliases are not allowed in model files.</summary>
    public const string AliasesNotAllowed = "RE1008";

    /// <summary>The file is larger, or has more nodes, than the limit.</summary>
    public const string DocumentTooLarge = "RE1009";

    /// <summary>The file nests deeper than the limit.</summary>
    public const string NestingTooDeep = "RE1010";

    /// <summary>Explicit tags (<c>!type</c>) are not allowed.</summary>
    public const string TagNotAllowed = "RE1011";

    /// <summary>An invisible or direction-changing character, or a key spelled with look-alike letters.</summary>
    public const string ForbiddenCharacter = "RE1012";

    /// <summary>The file is not UTF-8.</summary>
    public const string EncodingNotUtf8 = "RE1013";

    /// <summary>The file is empty.</summary>
    public const string EmptyFile = "RE1014";

    /// <summary>The file holds more than one YAML document.</summary>
    public const string SingleDocumentExpected = "RE1015";

    /// <summary>A scalar longer than the limit.</summary>
    public const string ScalarTooLong = "RE1016";

    /// <summary>Merge keys (<c>&lt;&lt;</c>) are not allowed.</summary>
    public const string MergeKeysNotAllowed = "RE1017";

    /// <summary>A test record or records file that does not fit its dataset.</summary>
    public const string InvalidTestData = "RE1018";

    /// <summary>A file or folder that cannot be found or read.</summary>
    public const string FileNotFound = "RE1019";

    /// <summary>A parameter value (default, regional or run-time) that does not fit its type, or an override of an unknown parameter.</summary>
    public const string InvalidParameterValue = "RE1020";

    /// <summary>Information: a retired model is not compiled.</summary>
    public const string ModelRetired = "RE1021";

    /// <summary>Signatures are required and the file is unsigned, signed by an untrusted key, or changed after signing; it is not loaded.</summary>
    public const string SignatureInvalid = "RE1022";

    /// <summary>A model's version is older than the version the host already knows; it is not loaded unless rollback is allowed.</summary>
    public const string VersionRollback = "RE1023";

    /// <summary>A <c>.csx</c> model file without its metadata comment, or with a rule list instead of one rule.</summary>
    public const string InvalidScriptModel = "RE1024";

    /// <summary>Information: a linked folder leads back to a folder already being read (a symbolic-link loop); it is not read again.</summary>
    public const string FolderLoop = "RE1025";
}
