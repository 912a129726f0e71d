# SPDX-License-Identifier: MIT
"""A scripted OpenAI-compatible model server, so the real pi runs offline.

Each POST /v1/chat/completions takes the next step of the script: a tool
call ({"tool": NAME, "args": {...}}) or a final text ({"text": "..."}),
streamed as chat.completion.chunk SSE lines ending in data: [DONE]. What
each request carried is kept, so a test can see the tool results pi sent.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ModelServer:
    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                body = json.dumps({"data": [{"id": "scripted", "object": "model"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                req = json.loads(self.rfile.read(n) or b"{}")
                with server.lock:
                    server.requests.append(req)
                    step = server.script.pop(0) if server.script else {"text": "done"}
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in server.chunks(step):
                    self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @staticmethod
    def chunks(step):
        base = {"id": "chatcmpl-pibox", "object": "chat.completion.chunk", "created": 0,
                "model": "scripted"}
        if "tool" in step:
            call = {"index": 0, "id": "call_1", "type": "function",
                    "function": {"name": step["tool"], "arguments": json.dumps(step["args"])}}
            yield dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "tool_calls": [call]},
                                       "finish_reason": None}])
            yield dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "tool_calls"}])
        else:
            yield dict(base, choices=[{"index": 0, "delta": {"role": "assistant", "content": step["text"]},
                                       "finish_reason": None}])
            yield dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}],
                       usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2})

    def tool_results(self):
        """The contents of every role=tool message pi sent back."""
        out = []
        for req in self.requests:
            for m in req.get("messages", []):
                if m.get("role") == "tool":
                    c = m.get("content")
                    out.append(c if isinstance(c, str) else json.dumps(c))
        return out

    def close(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


def pi_config(agent_dir, port):
    """models.json and a fail-fast settings.json in pibox's agent dir."""
    import os
    os.makedirs(agent_dir, exist_ok=True)
    models = {"providers": {"scripted": {
        "baseUrl": f"http://127.0.0.1:{port}/v1", "api": "openai-completions", "apiKey": "test-key",
        "compat": {"supportsDeveloperRole": False, "supportsReasoningEffort": False},
        "models": [{"id": "scripted", "name": "scripted", "contextWindow": 32000, "maxTokens": 4096}]}}}
    with open(os.path.join(agent_dir, "models.json"), "w") as f:
        json.dump(models, f)
    with open(os.path.join(agent_dir, "settings.json"), "w") as f:
        json.dump({"retry": {"enabled": False, "provider": {"maxRetries": 0}}}, f)
