using ChurnActors;
using ChurnActors.Configuration;
using ChurnActors.Gateway;

// The gateway as its own process: an Orleans client of the silo cluster (how it runs on ECS).
var builder = WebApplication.CreateBuilder(args);
var clustering = ValidatedOptions.Load<ClusteringOptions>(builder.Configuration, ClusteringOptions.Section);
builder.UseOrleansClient(client => client
    .UseLocalhostClustering(clustering.GatewayPort, clustering.ServiceId, clustering.ClusterId));
builder.Services.AddChurnGateway(builder.Configuration);

var app = builder.Build();
app.MapChurnGateway();
await app.RunAsync();
