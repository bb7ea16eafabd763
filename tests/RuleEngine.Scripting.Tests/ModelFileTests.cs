using RuleEngine.Clues;
using RuleEngine.Diagnostics;
using RuleEngine.Records;
using RuleEngine.Yaml;

namespace RuleEngine.Scripting.Tests;

/// <summary>Scripts in model files: a <c>script:</c> block in a YAML rule, and <c>.csx</c> model files.</summary>
public sealed class ModelFileTests : IDisposable
{
    private const string Dataset = """
        dataset: suits
        key: [case_no]
        fields:
          - {name: case_no, type: case_no}
          - {name: cause, type: string}
          - {name: amount, type: decimal}
          - {name: facts, type: string}
        """;

    private const string Header = """
        id: S1
        version: "1.0"
        name: 脚本规则
        parameters:
          floor: {type: decimal, default: 1000, justification: test, regions: {"330000": 5000}}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("re-scripts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ModelSet Load(string file, string text, IScriptConditionCompiler? compiler)
    {
        File.WriteAllText(Path.Combine(_folder, "suits.yaml"), Dataset);
        File.WriteAllText(Path.Combine(_folder, file), text);
        return ModelSet.Load(_folder, new ModelLoadOptions { ScriptCompiler = compiler });
    }

    private static async Task<List<Clue>> RunAsync(RuleSet rules, string rows)
    {
        var clues = new List<Clue>();
        await foreach (Clue clue in rules.EvaluateAsync(RecordSource.Csv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("case_no,cause,amount,facts\n" + rows)), rules.Datasets["suits"])))
        {
            clues.Add(clue);
        }

        return clues;
    }

    [Fact]
    public void A_compiler_error_in_a_yaml_block_points_at_the_yaml_line_and_column()
    {
        ModelSet models = Load("s1.yaml", Header + """

            from: suits
            script: |
              var big = r.Amount > p.Floor;
              return big && Text.Contains(r.Facts, 借条);
            """, new ScriptRuleCompiler());

        Diagnostic error = Assert.Single(models.Diagnostics, d => d.IsError);
        Assert.Equal("CS0103", error.Id);
        Assert.Equal((Path.Combine(_folder, "s1.yaml"), 9, 40), (error.Location.Path, error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void Without_a_script_compiler_a_script_rule_is_refused_at_its_script()
    {
        ModelSet models = Load("s1.yaml", Header + """

            from: suits
            script: r.Amount > p.Floor
            """, compiler: null);

        Diagnostic error = Assert.Single(models.Diagnostics, d => d.IsError);
        Assert.Equal((DiagnosticIds.ScriptsNotEnabled, 7, 9), (error.Id, error.Location.Line, error.Location.Column));
    }

    [Fact]
    public async Task A_condition_and_a_script_both_hold_for_a_clue_and_parameters_follow_the_region()
    {
        ModelSet models = Load("s1.yaml", Header + """

            from: suits
            when: cause = '民间借贷纠纷'
            script: r.Amount > p.Floor && Text.ContainsAny(r.Facts, "借条", "欠条")
            """, new ScriptRuleCompiler());
        Assert.False(models.HasErrors, string.Join(Environment.NewLine, models.Diagnostics));
        const string rows = """
            A1,民间借贷纠纷,3000,有借条
            A2,买卖合同纠纷,3000,有借条
            A3,民间借贷纠纷,3000,无
            A4,民间借贷纠纷,9000,有欠条
            """;

        List<Clue> byDefault = await RunAsync(models.Compile(), rows);
        List<Clue> inZhejiang = await RunAsync(models.Compile(new ModelCompileOptions { Region = "330602" }), rows);

        Assert.Equal(["A1", "A4"], byDefault.Select(c => c.SubjectKey));
        Assert.Equal(["A4"], inZhejiang.Select(c => c.SubjectKey));
        Assert.Equal(["case_no", "cause", "amount", "facts"], byDefault[0].Evidence.Select(e => e.Field));
    }

    [Fact]
    public async Task A_csx_model_file_runs_and_its_errors_point_into_the_file()
    {
        const string metadata = """
            /*
            id: S2
            version: "1.0"
            name: 脚本模型
            from: suits
            clue: {title: "大额 {case_no}"}
            */

            """;
        ModelSet good = Load("s2.csx", metadata + "r.Amount >= 5000m\n", new ScriptRuleCompiler());
        Assert.False(good.HasErrors, string.Join(Environment.NewLine, good.Diagnostics));
        List<Clue> clues = await RunAsync(good.Compile(), "A1,x,5000,\nA2,x,4999,\n");
        Assert.Equal("大额 A1", Assert.Single(clues).Title);

        ModelSet bad = Load("s2.csx", metadata + "var x = 1;\nr.Amuont >= 5000m\n", new ScriptRuleCompiler());
        Diagnostic error = Assert.Single(bad.Diagnostics, d => d.IsError);
        Assert.Equal(("CS1061", 9, 3, "Did you mean 'r.Amount'?"), (error.Id, error.Location.Line, error.Location.Column, error.Hint));
    }

    [Theory]
    [InlineData("r.Amount > 1m\n")]
    [InlineData("/*\nid: S3\nversion: \"1.0\"\nname: x\nrules:\n  - {id: R1, from: suits, when: amount > 1}\n*/\nr.Amount > 1m\n")]
    public void A_csx_file_is_one_rule_under_its_metadata(string text)
    {
        ModelSet models = Load("s3.csx", text, new ScriptRuleCompiler());

        Assert.Contains(models.Diagnostics, d => d.Id == ModelDiagnosticIds.InvalidScriptModel);
    }
}
