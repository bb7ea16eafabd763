using ClueDesk.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using RuleEngine.ClueStore;

namespace ClueDesk.Tests;

/// <summary>
/// A supervisor and a prosecutor take a sample clue through its life in headless Chromium (Debian's <c>chromium</c>
/// and <c>chromium-driver</c>, through WebDriver), against the desk on a real port; a screenshot of each step is
/// kept with the test output (<c>desk-screenshots/</c>).
/// </summary>
[Trait("Requires", "chromium")]
public sealed class BrowserTests : IDisposable
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "desk-screenshots");
    private readonly DeskFactory _desk = new();
    private readonly ChromeDriver _browser;
    private readonly string _address;

    public BrowserTests()
    {
        _desk.UseKestrel(0);
        _desk.StartServer();
        _address = _desk.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        string driver = new[] { "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromedriver is not installed: apt-get install chromium-driver (tests/run.sh installs it).");
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.First(File.Exists) };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400", "--lang=zh-CN");
        _browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));

        // Finding an element waits (up to this long) for the page that has it: after a click, the next page's element.
        _browser.Manage().Timeouts().ImplicitWait = TimeSpan.FromSeconds(15);
        Directory.CreateDirectory(Screenshots);
    }

    public void Dispose()
    {
        _browser.Quit();
        _browser.Dispose();
        _desk.Dispose();
    }

    [Fact]
    public async Task A_supervisor_assigns_a_clue_a_prosecutor_confirms_it_the_hit_rate_moves_and_another_region_is_refused()
    {
        long beijing = (await _desk.CluesAsync("110105"))[0].Id;

        SignIn("zhejiang");
        Choose("model", "M02");
        Choose("state", "Generated");
        _browser.FindElement(By.Id("filter")).Click();
        Assert.Contains("model=M02", _browser.FindElement(By.Id("export")).GetAttribute("href")!, StringComparison.Ordinal);
        Shot("01-list-filtered");
        IWebElement first = _browser.FindElement(By.CssSelector("#clues tbody tr td a"));
        string clueUrl = first.GetAttribute("href")!;
        long id = long.Parse(clueUrl[(clueUrl.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        string hitBefore = HitRate("M02");
        _browser.Navigate().GoToUrl(clueUrl);
        _browser.FindElement(By.Id("assignee")).SendKeys("西湖区院检察官");
        _browser.FindElement(By.Id("assign")).Click();
        Assert.Equal("已分派。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("已分派", _browser.FindElement(By.Id("state")).Text);
        Shot("02-assigned");
        _browser.FindElement(By.Id("logout")).Click();
        _browser.FindElement(By.Id("signin"));

        SignIn("xihu");
        _browser.Navigate().GoToUrl(clueUrl);
        _browser.FindElement(By.Id("verify")).Click();
        Assert.Equal("已开始核查。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("核查中", _browser.FindElement(By.Id("state")).Text);
        Choose("document", "检察建议");
        _browser.FindElement(By.Id("number")).SendKeys("（2026）浙0106检建1号");
        _browser.ExecuteScript("document.getElementById('issued').value = '2026-03-02';");
        _browser.FindElement(By.Id("confirm")).Click();
        Assert.Equal("已成案。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("已成案", _browser.FindElement(By.Id("state")).Text);
        Assert.Contains("回复期限 2026-05-02", _browser.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
        Shot("03-confirmed");
        string hitAfter = HitRate("M02");
        Shot("04-dashboard");
        _browser.Navigate().GoToUrl($"{_address}/clues/{beijing}");
        string refused = _browser.FindElement(By.Id("status")).Text;
        Shot("05-other-region-refused");

        Assert.NotEqual(hitBefore, hitAfter);
        Assert.Equal("100%", hitAfter.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("404 未找到", refused);
        StoredClue stored = (await _desk.Store.GetAsync(id, ClueActor.System("test"))).Clue;
        Assert.Equal((ClueState.Confirmed, "检察建议"), (stored.State, stored.DocumentType));
    }

    private void SignIn(string user)
    {
        _browser.Navigate().GoToUrl($"{_address}/login");
        _browser.FindElement(By.Id("username")).SendKeys(user);
        _browser.FindElement(By.Id("password")).SendKeys(DeskFactory.Password);
        _browser.FindElement(By.Id("signin")).Click();
        Assert.Equal("线索", _browser.FindElement(By.TagName("h1")).Text);
    }

    private string HitRate(string model)
    {
        _browser.Navigate().GoToUrl($"{_address}/dashboard");
        return _browser.FindElement(By.CssSelector($"#rates tr[data-model='{model}'] td.hit")).Text;
    }

    /// <summary>Picks an option of a select by its value (an option without a value attribute has its text as value).</summary>
    private void Choose(string select, string value) =>
        _browser.FindElements(By.CssSelector($"#{select} option")).First(o => o.GetAttribute("value") == value).Click();

    private void Shot(string name) => _browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));
}
