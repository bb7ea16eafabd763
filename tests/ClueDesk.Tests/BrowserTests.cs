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
    public async Task A_supervisor_assigns_a_clue_a_prosecutor_confirms_and_closes_it_the_hit_rate_moves_and_another_region_is_refused()
    {
        long beijing = (await _desk.CluesAsync("110105"))[0].Id;

        SignIn("zhejiang");
        Choose("model", "M02");
        Choose("state", "Generated");
        Submit("filter");
        Assert.Contains("model=M02", _browser.FindElement(By.Id("export")).GetAttribute("href")!, StringComparison.Ordinal);
        Shot("01-list-filtered");
        IWebElement first = _browser.FindElement(By.CssSelector("#clues tbody tr td a"));
        string clueUrl = first.GetAttribute("href")!;
        long id = long.Parse(clueUrl[(clueUrl.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        string hitBefore = HitRate("M02");
        _browser.Navigate().GoToUrl(clueUrl);
        _browser.FindElement(By.Id("assignee")).SendKeys("西湖区院检察官");
        Submit("assign");
        Assert.Equal("已分派。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("已分派", _browser.FindElement(By.Id("state")).Text);
        Shot("02-assigned");
        Submit("logout");
        _browser.FindElement(By.Id("signin"));

        SignIn("xihu");
        _browser.Navigate().GoToUrl(clueUrl);
        Submit("verify");
        Assert.Equal("已开始核查。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("核查中", _browser.FindElement(By.Id("state")).Text);
        Choose("document", "检察建议");
        _browser.FindElement(By.Id("number")).SendKeys("（2026）浙0106检建1号");
        _browser.ExecuteScript("document.getElementById('issued').value = '2026-03-02';");
        Submit("confirm");
        Assert.Equal("已成案。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("已成案", _browser.FindElement(By.Id("state")).Text);
        Assert.Contains("回复期限 2026-05-02", _browser.FindElement(By.TagName("main")).Text, StringComparison.Ordinal);
        Shot("03-confirmed");
        _browser.FindElement(By.Id("reply")).SendKeys("交管部门已吊销驾驶证并书面回复");
        Submit("followup");
        Assert.Equal("已办结。", _browser.FindElement(By.Id("message")).Text);
        Assert.Equal("已办结", _browser.FindElement(By.Id("state")).Text);
        Assert.Equal(
            ["模型发现", "分派", "开始核查", "成案", "办结"],
            _browser.FindElements(By.CssSelector("#history tbody tr td:nth-child(3)")).Select(c => c.Text));
        Shot("04-closed");
        string hitAfter = HitRate("M02");
        Shot("05-dashboard");
        _browser.Navigate().GoToUrl($"{_address}/clues/{beijing}");
        string refused = _browser.FindElement(By.Id("status")).Text;
        Shot("06-other-region-refused");

        Assert.NotEqual(hitBefore, hitAfter);
        Assert.Equal("100%", hitAfter.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("404 未找到", refused);
        StoredClue stored = (await _desk.Store.GetAsync(id, ClueActor.System("test"))).Clue;
        Assert.Equal((ClueState.Closed, "检察建议"), (stored.State, stored.DocumentType));
    }

    private void SignIn(string user)
    {
        _browser.Navigate().GoToUrl($"{_address}/login");
        _browser.FindElement(By.Id("username")).SendKeys(user);
        _browser.FindElement(By.Id("password")).SendKeys(DeskFactory.Password);
        Submit("signin");
        Assert.Equal("线索", _browser.FindElement(By.TagName("h1")).Text);
    }

    private string HitRate(string model)
    {
        _browser.Navigate().GoToUrl($"{_address}/dashboard");
        return _browser.FindElement(By.CssSelector($"#rates tr[data-model='{model}'] td.hit")).Text;
    }

    /// <summary>
    /// Clicks a submit button and waits until the browser has left the page (its root element goes stale), so what is
    /// read next is the answer's page, not the form's.
    /// </summary>
    private void Submit(string button)
    {
        IWebElement page = _browser.FindElement(By.TagName("html"));
        _browser.FindElement(By.Id(button)).Click();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                _ = page.Enabled;
            }
            catch (StaleElementReferenceException)
            {
                return;
            }
            catch (WebDriverException e) when (e.Message.Contains("does not belong to the document", StringComparison.Ordinal))
            {
                // Chromium sometimes says so, instead of "stale", for the root of a page it has just left.
                return;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"Submitting '{button}' did not leave the page.");
    }

    /// <summary>Picks an option of a select by its value (an option without a value attribute has its text as value).</summary>
    private void Choose(string select, string value) =>
        _browser.FindElements(By.CssSelector($"#{select} option")).First(o => o.GetAttribute("value") == value).Click();

    private void Shot(string name) => _browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));
}
