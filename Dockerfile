# Both container images, from one build (context: the repository root):
#   docker build --target silo -t churn-silo .
#   docker build --target gateway -t churn-gateway .
# No Docker engine runs where this project is developed; the file is kept conventional on purpose.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The ops page is bundled with Node.js from its npm lock file (the gateway inside the silo serves it too).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app/silo \
 && dotnet publish src/Gateway/Gateway.csproj -c Release -o /app/gateway

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV Urls=http://+:8080
# Logs as JSON, one object a line, with the trace and span ids of each line's request (README, Observability);
# `dotnet run` keeps plain text.
ENV Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true
USER $APP_UID

# Joins the silos as an Orleans client: Churn__Clustering__*, Churn__Gateway__FeedbackSecret and
# Churn__Gateway__Access__Password come from the task's environment (secrets from Secrets Manager).
FROM runtime AS gateway
COPY --from=build /app/gateway .
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://localhost:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "ChurnActors.Gateway.dll"]

# Outside the embedded default: no simulator; everything else comes from the task's environment
# (Churn__Clustering__Provider=Redis, Churn__Storage__Provider=DynamoDb, …).
FROM runtime AS silo
COPY --from=build /app/silo .
ENV Churn__Simulator__Enabled=false
EXPOSE 8080 11111 30000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD curl -fsS http://localhost:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "ChurnActors.Silo.dll"]
