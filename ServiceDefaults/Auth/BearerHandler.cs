namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>Adds the token to every call that does not carry one of its own.</summary>
public sealed class BearerHandler(Func<string> token) : DelegatingHandler
{
    public BearerHandler(Func<string> token, HttpMessageHandler inner) : this(token) => InnerHandler = inner;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains("authorization"))
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {token()}");
        }
        return base.SendAsync(request, cancellationToken);
    }
}
