namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>The roles and claim names of ConductorMesh tokens, as issued and as checked.</summary>
public static class MeshClaims
{
    public const string Role = "role";
    public const string Member = "sub";
    public const string Partner = "partner";

    public const string Issuer = "conductormesh";
    public const string Audience = "conductormesh";

    public static class Roles
    {
        public const string Member = "member";
        public const string Partner = "partner";
        public const string Moderator = "moderator";
        public const string Operator = "operator";

        /// <summary>A ConductorMesh service asking another; its tokens are made by the services themselves.</summary>
        public const string Service = "service";

        public static readonly IReadOnlyList<string> All = [Member, Partner, Moderator, Operator, Service];
    }
}
