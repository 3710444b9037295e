module Net

open System.Net

// Older F# code cannot name Tls11/Tls12 on .NET 4.0 and casts integers with unbox.
#if !NETSTANDARD1_6
ServicePointManager.SecurityProtocol <- unbox 48 ||| unbox 192 ||| unbox 3072
                                        /// SecurityProtocolType.Ssl3 ||| SecurityProtocolType.Tls
#endif

let modernOnly () =
    ServicePointManager.SecurityProtocol <- unbox<SecurityProtocolType> 3072

let readBack () =
    let current : SecurityProtocolType = unbox (box ServicePointManager.SecurityProtocol)
    current
