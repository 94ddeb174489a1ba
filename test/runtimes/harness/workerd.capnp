# workerd config for the conformance run; run.mjs copies it next to the bundle and picks the port with
# --socket-addr http=127.0.0.1:<free port>.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .conformance)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const conformance :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "suite.mjs", esModule = embed "suite.mjs"),
  ],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
);
