using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Report;

/// <summary>
/// Loads a page in Debian's headless <c>chromium</c> and watches it over the DevTools protocol (a WebSocket, no
/// library): console errors (<c>Runtime.consoleAPICalled</c> of type error/assert), uncaught exceptions
/// (<c>Runtime.exceptionThrown</c>), browser log errors (<c>Log.entryAdded</c>: failed loads, CSP, parse problems) and
/// every request the page makes (<c>Network.requestWillBeSent</c>), then takes a screenshot of the whole page.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>What happened while the page loaded.</summary>
    public sealed record PageLoad(IReadOnlyList<string> Errors, IReadOnlyList<string> Requests, byte[] Screenshot);

    public static async Task<PageLoad> LoadAsync(string htmlFile, CancellationToken ct)
    {
        var chromium = Tool.Require("chromium", "chromium");
        using var profile = new TempDir();
        var info = Tool.StartInfo(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0", "--remote-allow-origins=*",
            $"--user-data-dir={profile["profile"]}", "--window-size=1280,2000", "about:blank"], null, null);
        using var browser = Process.Start(info)!;
        var stderr = browser.StandardError.ReadToEndAsync(ct);
        _ = browser.StandardOutput.ReadToEndAsync(ct);
        try
        {
            var port = await PortAsync(profile["profile/DevToolsActivePort"], browser, stderr, ct);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", ct))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), ct);
            var session = new DevToolsSession(socket);
            var errors = new List<string>();
            var requests = new List<string>();
            session.OnEvent = (method, parameters) => Collect(method, parameters, errors, requests);
            foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Network.enable", "Page.enable" })
                await session.CallAsync(domain, null, ct);
            var loaded = session.WaitForEvent("Page.loadEventFired");
            await session.CallAsync("Page.navigate", new JsonObject { ["url"] = new Uri(htmlFile).AbsoluteUri }, ct);
            await loaded.WaitAsync(TimeSpan.FromSeconds(60), ct);
            // let late scripts and log entries arrive, then a full-page capture
            await session.CallAsync("Runtime.evaluate", new JsonObject { ["expression"] = "new Promise(r => setTimeout(r, 300))", ["awaitPromise"] = true }, ct);
            var shot = await session.CallAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, ct);
            return new PageLoad(errors, requests, Convert.FromBase64String((string)shot["data"]!));
        }
        finally
        {
            if (!browser.HasExited)
                browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static void Collect(string method, JsonObject parameters, List<string> errors, List<string> requests)
    {
        switch (method)
        {
            case "Runtime.consoleAPICalled" when (string?)parameters["type"] is "error" or "assert":
                errors.Add("console." + (string?)parameters["type"] + ": " + string.Join(' ', parameters["args"]!.AsArray().Select(a => (string?)a!["value"] ?? (string?)a!["description"])));
                break;
            case "Runtime.exceptionThrown":
                var details = parameters["exceptionDetails"]!;
                errors.Add("exception: " + ((string?)details["exception"]?["description"] ?? (string?)details["text"]));
                break;
            case "Log.entryAdded" when (string?)parameters["entry"]!["level"] == "error":
                errors.Add("log: " + (string?)parameters["entry"]!["text"] + " " + (string?)parameters["entry"]!["url"]);
                break;
            case "Network.requestWillBeSent":
                requests.Add((string)parameters["request"]!["url"]!);
                break;
        }
    }

    private static async Task<int> PortAsync(string activePortFile, Process browser, Task<string> stderr, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (File.Exists(activePortFile) && File.ReadAllLines(activePortFile) is [var port, ..] && int.TryParse(port, out var number))
                return number;
            if (browser.HasExited)
                Assert.Fail($"chromium exited with {browser.ExitCode} before it listened:\n{await stderr}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail("chromium did not open its DevTools port within 60 s");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Commands with ids and their replies; every other message is an event.</summary>
    private sealed class DevToolsSession
    {
        private readonly ClientWebSocket _socket;
        private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
        private readonly Dictionary<string, TaskCompletionSource> _awaited = [];
        private readonly Lock _gate = new();
        private int _next;

        public DevToolsSession(ClientWebSocket socket)
        {
            _socket = socket;
            _ = Task.Run(ReceiveLoopAsync);
        }

        public Action<string, JsonObject> OnEvent { get; set; } = (_, _) => { };

        public Task WaitForEvent(string method)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
                _awaited[method] = done;
            return done.Task;
        }

        public async Task<JsonObject> CallAsync(string method, JsonObject? parameters, CancellationToken ct)
        {
            var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            int id;
            lock (_gate)
            {
                id = ++_next;
                _pending[id] = reply;
            }
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);
            var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            if (answer["error"] is { } error)
                Assert.Fail($"DevTools {method} failed: {error.ToJsonString()}");
            return answer["result"]!.AsObject();
        }

        private async Task ReceiveLoopAsync()
        {
            var buffer = new byte[1 << 16];
            using var message = new MemoryStream();
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                        return;
                    message.Write(buffer, 0, received.Count);
                    if (!received.EndOfMessage)
                        continue;
                    var node = JsonNode.Parse(message.ToArray())!.AsObject();
                    message.SetLength(0);
                    Dispatch(node);
                }
            }
            catch (WebSocketException)
            {
                // the browser went away; pending calls time out with their method name
            }
        }

        private void Dispatch(JsonObject node)
        {
            lock (_gate)
            {
                if (node["id"] is { } id && _pending.Remove((int)id, out var reply))
                {
                    reply.SetResult(node);
                    return;
                }
                var method = (string)node["method"]!;
                OnEvent(method, node["params"]?.AsObject() ?? []);
                if (_awaited.Remove(method, out var awaited))
                    awaited.SetResult();
            }
        }
    }
}
