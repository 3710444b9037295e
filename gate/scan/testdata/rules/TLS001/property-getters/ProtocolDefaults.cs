using System.Linq;
using System.Net;

namespace Contoso.Net
{
    // Protocol values exposed as properties and read by name (no parentheses).
    internal static class ProtocolDefaults
    {
        private static SecurityProtocolType Legacy => SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls;
        private static SecurityProtocolType Modern { get { return SecurityProtocolType.Tls12; } }
        private static SecurityProtocolType Shim { get => (SecurityProtocolType)0xC00; }
        private static SecurityProtocolType Initial { get; } = SecurityProtocolType.Tls11;

        public static void UseLegacy()
        {
            ServicePointManager.SecurityProtocol = Legacy | Modern;
        }

        public static void UseModern()
        {
            ServicePointManager.SecurityProtocol = Shim;
        }

        public static void UseInitial()
        {
            ServicePointManager.SecurityProtocol = Initial;
        }

        public static int[] Doubled(int[] xs)
        {
            // a lambda "x => …" is not a property named x
            return xs.Select(x => x * 2).ToArray();
        }

        public static bool HasLegacy()
        {
            return ServicePointManager.SecurityProtocol.HasFlag(Legacy);
        }
    }
}
