using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ClueDesk.Pages;

/// <summary>The page of an error status: the same words whether a clue does not exist or is another region's.</summary>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public string Text => Code switch
    {
        403 => "无权访问",
        404 => "未找到",
        400 => "请求无效",
        _ => "出错了",
    };

    public void OnGet(int code) => Code = code;

    public void OnPost(int code) => Code = code;
}
