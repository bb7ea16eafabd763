using System.Security.Cryptography;
using System.Text;
using RuleEngine.Diagnostics;
using RuleEngine.Yaml.Tests.Support;

namespace RuleEngine.Yaml.Tests;

/// <summary>Hostile inputs Y15 (tampered signed model) and Y16 (version rollback).</summary>
public class SignedModelTests
{
    private const string ModelV3 = "id: M7\nversion: \"3.0.0\"\nname: 模型\nfrom: cases\nwhen: amount > 1\n";
    private const string OtherModel = "id: M8\nversion: \"1\"\nname: 模型\nfrom: cases\nwhen: amount > 2\n";

    [Fact]
    public void Y15_SignedFiles_LoadWithTheTrustedKey()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ModelFolder folder = Signed(key, ("datasets/cases.yaml", ModelFolder.Cases), ("m7.yaml", ModelV3), ("m8.yaml", OtherModel));
        ModelSet models = ModelSet.Load(folder.Path, Options(key));
        Assert.False(models.HasErrors, string.Join("\n", models.Diagnostics));
        Assert.Equal(["M7", "M8"], models.Models.Select(m => m.Id));
    }

    [Fact]
    public void Y15_OneChangedByte_RejectsThatFileOnly()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ModelFolder folder = Signed(key, ("datasets/cases.yaml", ModelFolder.Cases), ("m7.yaml", ModelV3), ("m8.yaml", OtherModel));
        byte[] bytes = File.ReadAllBytes(Path.Combine(folder.Path, "m7.yaml"));
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(Path.Combine(folder.Path, "m7.yaml"), bytes);

        ModelSet models = ModelSet.Load(folder.Path, Options(key));
        Diagnostic diagnostic = DiagnosticAssert.Only(models.Diagnostics, ModelDiagnosticIds.SignatureInvalid, 1, 1, "m7.yaml");
        Assert.Contains("changed after signing", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(["M8"], models.Models.Select(m => m.Id));
    }

    [Fact]
    public void Y15_UnsignedOrUntrustedFile_IsNotLoaded()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ModelFolder folder = Signed(key, ("datasets/cases.yaml", ModelFolder.Cases), ("m8.yaml", OtherModel));
        folder.Write("m7.yaml", Encoding.UTF8.GetBytes(ModelV3));
        ModelSet models = ModelSet.Load(folder.Path, Options(key));
        Assert.Contains("not signed", DiagnosticAssert.Only(models.Diagnostics, ModelDiagnosticIds.SignatureInvalid, 1, 1, "m7.yaml").Message, StringComparison.Ordinal);

        folder.Write("m7.yaml.sig", Encoding.UTF8.GetBytes(ModelSignature.Sign(Encoding.UTF8.GetBytes(ModelV3), "stranger", stranger)));
        models = ModelSet.Load(folder.Path, Options(key));
        Assert.Contains("not trusted", DiagnosticAssert.Only(models.Diagnostics, ModelDiagnosticIds.SignatureInvalid, 1, 1, "m7.yaml").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Y15_SignatureByTheRightIdButAnotherKey_IsRejected()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ModelFolder folder = Signed(key, ("datasets/cases.yaml", ModelFolder.Cases));
        folder.Write("m7.yaml", Encoding.UTF8.GetBytes(ModelV3));
        folder.Write("m7.yaml.sig", Encoding.UTF8.GetBytes(ModelSignature.Sign(Encoding.UTF8.GetBytes(ModelV3), "office", forger)));
        DiagnosticAssert.Only(ModelSet.Load(folder.Path, Options(key)).Diagnostics, ModelDiagnosticIds.SignatureInvalid, 1, 1, "m7.yaml");
    }

    [Fact]
    public void Y16_OlderVersionThanKnown_IsRejectedUnlessAllowed()
    {
        using var folder = new ModelFolder(("datasets/cases.yaml", ModelFolder.Cases), ("m7.yaml", ModelV3.Replace("3.0.0", "2.9.10", StringComparison.Ordinal)));
        var known = new Dictionary<string, string> { ["M7"] = "3.0.0" };
        ModelSet rejected = ModelSet.Load(folder.Path, new ModelLoadOptions { KnownVersions = known });
        DiagnosticAssert.Only(rejected.Diagnostics, ModelDiagnosticIds.VersionRollback, 1, 5, "m7.yaml");
        Assert.Empty(rejected.Models);

        ModelSet allowed = ModelSet.Load(folder.Path, new ModelLoadOptions { KnownVersions = known, AllowVersionRollback = true });
        Assert.Equal("2.9.10", Assert.Single(allowed.Models).Version);
    }

    [Theory]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("2", "2.0.0", 0)]
    [InlineData("1.0.0-beta", "1.0.0", 1)]
    [InlineData("3.0.0", "3.0.1", -1)]
    public void CompareVersions_ComparesPartsNumerically(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(ModelSet.CompareVersions(a, b)));

    [Fact]
    public void SigningKey_FromPem_RoundTrips()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ModelSigningKey trusted = ModelSigningKey.FromPem("office", key.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), trusted.PublicKey.ToArray());
    }

    private static ModelLoadOptions Options(ECDsa key) => new()
    {
        RequireSignatures = true,
        TrustedKeys = [new ModelSigningKey("office", key.ExportSubjectPublicKeyInfo())],
    };

    private static ModelFolder Signed(ECDsa key, params (string Name, string Text)[] files)
    {
        var folder = new ModelFolder(files);
        foreach ((string name, string text) in files)
        {
            folder.Write(name + ".sig", Encoding.UTF8.GetBytes(ModelSignature.Sign(Encoding.UTF8.GetBytes(text), "office", key)));
        }

        return folder;
    }
}
