using HostedWorker;
using RuleEngine.Hosting;

// A generic-host worker: RuleEngine registered in one line, options from appsettings.json or the command line
// (--RuleEngine:ModelsPath=models --Worker:DropFolder=drop), a drop folder watched for batches of case-record files.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.Configure<RuleEngineOptions>(builder.Configuration.GetSection("RuleEngine"));
builder.Services.Configure<DropFolderOptions>(builder.Configuration.GetSection("Worker"));
builder.Services.AddRuleEngine();
builder.Services.AddHostedService<DropFolderWorker>();
await builder.Build().RunAsync();
