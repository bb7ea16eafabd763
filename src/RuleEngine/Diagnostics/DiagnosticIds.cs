namespace RuleEngine.Diagnostics;

/// <summary>
/// The stable codes of every diagnostic the core reports. Codes are never reused;
/// each is described in <c>docs/language.md</c>.
/// </summary>
/// <remarks>
/// RE11xx: expression syntax. RE2xxx: binding (names, types, functions).
/// RE4xxx: evaluation of a rule on a record. RE5xxx: records and record sources. RE7xxx: the SQL back end.
/// </remarks>
public static class DiagnosticIds
{
    /// <summary>A character that cannot start any token.</summary>
    public const string UnexpectedCharacter = "RE1101";

    /// <summary>A text literal or quoted name without its closing quote.</summary>
    public const string UnterminatedText = "RE1102";

    /// <summary>A token where another was expected.</summary>
    public const string UnexpectedToken = "RE1103";

    /// <summary>The expression nests deeper than the limit.</summary>
    public const string ExpressionTooDeep = "RE1104";

    /// <summary>The expression text is longer than the limit.</summary>
    public const string ExpressionTooLong = "RE1105";

    /// <summary>A number, date or timestamp literal that is not valid.</summary>
    public const string InvalidLiteral = "RE1106";

    /// <summary>The expression is empty.</summary>
    public const string EmptyExpression = "RE1107";

    /// <summary>A field that the dataset does not have.</summary>
    public const string UnknownField = "RE2001";

    /// <summary>An operand or argument of the wrong type.</summary>
    public const string TypeMismatch = "RE2002";

    /// <summary>A function that the library does not have.</summary>
    public const string UnknownFunction = "RE2003";

    /// <summary>A function called with the wrong number of arguments.</summary>
    public const string WrongArgumentCount = "RE2004";

    /// <summary>A rule over a dataset that no schema declares.</summary>
    public const string UnknownDataset = "RE2005";

    /// <summary>Two rules with the same id.</summary>
    public const string DuplicateRuleId = "RE2006";

    /// <summary>A condition whose value is not true, false or unknown.</summary>
    public const string ConditionNotBoolean = "RE2007";

    /// <summary>A regular expression that does not compile, or uses a construct the safe engine lacks.</summary>
    public const string InvalidRegex = "RE2008";

    /// <summary>An argument that must be a literal (a regex pattern, a date unit, a cast type) is not.</summary>
    public const string ArgumentMustBeLiteral = "RE2009";

    /// <summary>A qualifier (<c>alias.field</c>) that names no dataset of the rule.</summary>
    public const string UnknownAlias = "RE2010";

    /// <summary>A schema with two fields of the same name, or a field with an empty name.</summary>
    public const string InvalidSchema = "RE2011";

    /// <summary>A rule whose id, version or clue specification is missing or invalid.</summary>
    public const string InvalidRule = "RE2012";

    /// <summary>A rule whose dataset declares no key and which names no subject key; clues fall back to the record's line.</summary>
    public const string NoSubjectKey = "RE2013";

    /// <summary>A <c>$name</c> that names no parameter of the rule.</summary>
    public const string UnknownParameter = "RE2014";

    /// <summary>A parameter whose value has a type the language cannot hold, or a list where one value is needed.</summary>
    public const string InvalidParameter = "RE2015";

    /// <summary>A rule has a C# script, but the host has not enabled scripts (no script compiler).</summary>
    public const string ScriptsNotEnabled = "RE2016";

    /// <summary>A rule with a C# script also joins or counts in a window, which scripts do not support.</summary>
    public const string ScriptNotSupportedHere = "RE2017";

    /// <summary>A script compiled against another schema than the rule's dataset has.</summary>
    public const string ScriptSchemaMismatch = "RE2018";

    /// <summary>A rule set with more rules than <see cref="RuleSetBuilder.MaxRules"/>.</summary>
    public const string TooManyRules = "RE2019";

    /// <summary>Derived datasets whose stages form a cycle: a rule reads, directly or through other stages, what it derives.</summary>
    public const string StageCycle = "RE2020";

    /// <summary>A warning: a condition no record can make TRUE (a range whose bounds cross, equalities on one field with no value in common).</summary>
    public const string NeverTrue = "RE2021";

    /// <summary>Arithmetic overflowed its type on a record.</summary>
    public const string ArithmeticOverflow = "RE4001";

    /// <summary>Division or remainder by zero on a record.</summary>
    public const string DivisionByZero = "RE4002";

    /// <summary>A <c>CAST</c> whose value cannot be converted.</summary>
    public const string InvalidCast = "RE4003";

    /// <summary>Any other failure of a rule on a record.</summary>
    public const string EvaluationFailed = "RE4004";

    /// <summary>A run's window state grew past its limit (<see cref="RunOptions.MaxWindowState"/>).</summary>
    public const string WindowStateLimitExceeded = "RE4005";

    /// <summary>A run's reference datasets hold more records than the limit (<see cref="RunOptions.MaxReferenceRecords"/>).</summary>
    public const string ReferenceLimitExceeded = "RE4006";

    /// <summary>A record that cannot be parsed at all (broken JSON, broken quoting).</summary>
    public const string MalformedRecord = "RE5001";

    /// <summary>A column or property that the schema requires is absent from the source.</summary>
    public const string MissingColumn = "RE5002";

    /// <summary>A CSV row with more or fewer fields than the header.</summary>
    public const string WrongFieldCount = "RE5003";

    /// <summary>A value that cannot be converted to its field's type.</summary>
    public const string InvalidValue = "RE5004";

    /// <summary>A record longer than the limit.</summary>
    public const string RecordTooLarge = "RE5005";

    /// <summary>Bytes that are not valid in the source's text encoding.</summary>
    public const string InvalidEncoding = "RE5006";

    /// <summary>A number outside its field's range, or not finite.</summary>
    public const string ValueOutOfRange = "RE5007";

    /// <summary>A JSON record nested deeper than the limit.</summary>
    public const string NestingTooDeep = "RE5008";

    /// <summary>A record whose date is earlier than a window rule can still place (input not ordered by date beyond the allowed lateness).</summary>
    public const string LateRecord = "RE5009";

    /// <summary>A rule failed on too large a share of records and was taken out of the run; the other rules went on.</summary>
    public const string RuleQuarantined = "RE5010";

    /// <summary>A CSV header names a column twice: the whole source fails with a <see cref="Records.RecordSourceException"/>.</summary>
    public const string DuplicateColumn = "RE5011";

    /// <summary>
    /// An ID-number field holds a value that is not a valid ID number (wrong check character, impossible birth date,
    /// a spreadsheet's scientific notation): a field warning, the record still evaluated, unless the run rejects such records.
    /// </summary>
    public const string InvalidIdNumber = "RE5012";

    /// <summary>The clue sink failed (a full disk, a closed connection): the run stops (<see cref="RunOutputException"/>).</summary>
    public const string OutputWriteFailed = "RE5013";

    /// <summary>The dead-letter sink failed: the run stops rather than go on without recording its failures (<see cref="RunOutputException"/>).</summary>
    public const string DeadLetterUnavailable = "RE5014";

    /// <summary>A source with no records (an empty file, a header alone): a warning, so an export that failed upstream is noticed.</summary>
    public const string NoRecords = "RE5015";

    /// <summary>A binary record batch that cannot be decoded (truncated, written for another schema, not a batch): one rejection for the whole batch.</summary>
    public const string MalformedBatch = "RE5016";

    /// <summary>
    /// Every record of a file source (CSV, JSON Lines) was rejected: the wrong encoding, separator or format, most
    /// likely. An error whatever the bad-record policy: the run stops (<see cref="Records.RecordSourceException"/>).
    /// </summary>
    public const string AllRecordsRejected = "RE5017";

    /// <summary>
    /// A window sort could not write or read its spill files (a full disk, a missing or read-only spill folder): the run
    /// stops (<see cref="RunOutputException"/>) rather than count windows over part of the data.
    /// </summary>
    public const string SpillFailed = "RE5018";

    /// <summary>A construct that a SQL dialect cannot evaluate with the engine's meaning (RuleEngine.Sql): the rule is not run there, never run with the construct dropped.</summary>
    public const string NotPushable = "RE7001";

    /// <summary>A dataset that a rule reads has no table in the SQL back end.</summary>
    public const string SqlTableMissing = "RE7002";

    /// <summary>A query of the SQL back end failed in the database (an error in a row, a missing column): the run stops with the query's rules named.</summary>
    public const string SqlQueryFailed = "RE7003";

    /// <summary>
    /// A rule set the NATS workers cannot run as one (RuleEngine.Nats): a multi-stage model, a window over the whole
    /// input, window rules of one dataset with different keys, a dataset both joined and evaluated. The worker or
    /// publisher is not built; the message, which starts with the code, names the rule or dataset and says why.
    /// </summary>
    public const string NotDistributable = "RE7101";
}
