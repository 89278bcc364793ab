// The HTTP side of aides-serve on cpp-httplib: routes, bounds, headers, access log, signals.
#include <aides/errors.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <iomanip>
#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api.hpp"
#include "fifo_slots.hpp"
#include "options.hpp"

namespace aides::serve {

namespace {

constexpr std::size_t max_target_bytes = 4096;  // request line's target: beyond it, 414

// This thread runs a connection the pool had no room for: answer 503 and close.
thread_local bool overloaded = false;
thread_local std::chrono::steady_clock::time_point request_start;

/** A fixed pool of workers with a bounded queue of waiting connections. When the queue is full
 *  the accepting thread itself answers the connection 503 (it cannot be dropped unanswered:
 *  the job owns the socket), which also stops it accepting more meanwhile. */
class BoundedPool : public httplib::TaskQueue {
  public:
    BoundedPool(std::size_t threads, std::size_t max_pending) : max_pending_(max_pending) {
        for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }
    void enqueue(std::function<void()> job) override {
        {
            std::lock_guard lock(mutex_);
            if (jobs_.size() < max_pending_) {
                jobs_.push_back(std::move(job));
                ready_.notify_one();
                return;
            }
        }
        overloaded = true;
        job();
        overloaded = false;
    }
    void shutdown() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& worker : workers_) worker.join();
    }

  private:
    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                // Queued connections are served before stopping: they were accepted.
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
        }
    }
    std::size_t max_pending_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> workers_;
    bool stopping_ = false;
};

std::string utc_now(const char* format) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[40];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

std::string base_url_of(const httplib::Request& req, const ServeParams& params) {
    std::string host = req.get_header_value("Host");
    bool plain = !host.empty() && host.size() < 256 &&
                 host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == std::string::npos;
    return "http://" + (plain ? host : params.host + ":" + std::to_string(params.port));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void json_error(httplib::Response& res, int status, const std::string& message) {
    nlohmann::json body{{"error", message}};
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

}  // namespace

int run_serve(const ServeParams& params, std::ostream& out, std::ostream& err) {
    // Signals go to one thread, which stops the server; the others never see them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is a failed write, not a death

    Api api(params.db, params.portals_dir);  // from main: IndexError exit 1, a bad portal file (UsageError) exit 2
    std::mutex log_mutex;
    FifoSlots search_slots(static_cast<std::size_t>(params.searches > 0 ? params.searches : params.threads));

    httplib::Server server;
    server.new_task_queue = [&] {
        return new BoundedPool(static_cast<std::size_t>(params.threads), static_cast<std::size_t>(params.max_pending));
    };
    // Headers and body go out in two writes: without TCP_NODELAY the second waits for the
    // client's delayed ACK, 40 ms a request on a kept-alive connection (22 q/s per client).
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(100);
    server.set_keep_alive_timeout(5);
    server.set_read_timeout(params.timeout_seconds);
    server.set_write_timeout(params.timeout_seconds);
    server.set_payload_max_length(64 * 1024);  // GET only: a body is never read into a search
    // Portals embed the API from other origins.
    server.set_default_headers({{"Access-Control-Allow-Origin", "*"},
                                {"Access-Control-Expose-Headers", "ETag"}});

    server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
        request_start = std::chrono::steady_clock::now();
        if (overloaded) {
            res.set_header("Retry-After", "1");
            res.set_header("Connection", "close");
            json_error(res, 503, "server busy: too many connections waiting, retry shortly");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.target.size() > max_target_bytes) {
            json_error(res, 414, "request target longer than " + std::to_string(max_target_bytes) + " bytes");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    server.Options("/api/.*", [](const httplib::Request&, httplib::Response& res) {
        res.status = 204;
        res.set_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "If-None-Match, Accept, Accept-Encoding");
        res.set_header("Access-Control-Max-Age", "86400");
    });

    server.Get("/api/.*", [&](const httplib::Request& req, httplib::Response& res) {
        // A reply that depends only on the index revision and the day is named by both. The
        // revision is read first: a commit in between only makes the tag older than the body.
        std::string etag;
        try {
            // The commit time too: an index rebuilt from nothing starts its revisions again.
            IndexStatus status = api.status();
            etag = "\"r" + std::to_string(status.revision) + "-" + std::to_string(status.committed_at) + "-" +
                   utc_now("%Y%m%d") + "\"";
        } catch (const Error&) {
            etag.clear();  // unreadable index: the answer below says so
        }
        Params query(req.params.begin(), req.params.end());
        std::string base_url = base_url_of(req, params);
        Reply reply;
        {
            FifoSlot slot(search_slots);  // --searches: the others wait their turn
            reply = api.handle(req.path, query, base_url);
        }
        if (reply.cacheable && !etag.empty()) {
            res.set_header("ETag", etag);
            res.set_header("Cache-Control", "public, max-age=60");
            if (req.get_header_value("If-None-Match") == etag) {
                res.status = 304;  // answered (errors never are 304), but the client's copy is this one
                return;
            }
        } else {
            res.set_header("Cache-Control", "no-store");
        }
        res.status = reply.status;
        // Moved, not copied (set_content copies): a page of results is tens of KB.
        res.body = std::move(reply.body);
        res.set_header("Content-Type", reply.content_type);
    });

    if (!params.web_dir.empty() && std::filesystem::is_directory(params.web_dir)) {
        // Portal pages are the search page, which reads its portal from the URL.
        server.Get("/portails/([a-z0-9-]+)/?", [&](const httplib::Request& req, httplib::Response& res) {
            std::string slug = req.matches[1];
            if (!api.has_portal(slug)) {
                res.status = 404;
                res.set_content("Portail inconnu : " + slug + "\n", "text/plain; charset=utf-8");
                return;
            }
            res.set_header("Cache-Control", "no-cache");
            res.set_content(read_file(params.web_dir + "/index.html"), "text/html; charset=utf-8");
        });
        server.set_mount_point("/", params.web_dir, {{"Cache-Control", "no-cache"}});
    }
    if (!params.dsfr_dir.empty() && std::filesystem::is_directory(params.dsfr_dir))
        server.set_mount_point("/dsfr", params.dsfr_dir, {{"Cache-Control", "public, max-age=86400"}});

    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (req.path.rfind("/api/", 0) == 0 || res.status != 404) json_error(res, res.status, "HTTP " + std::to_string(res.status));
        else res.set_content("Page introuvable\n", "text/plain; charset=utf-8");
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string message = "internal error";
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            message = e.what();
        } catch (...) {
        }
        json_error(res, 500, message);
    });
    server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start).count();
        std::ostringstream line;
        line << utc_now("%Y-%m-%dT%H:%M:%SZ") << " " << req.method << " " << req.target << " " << res.status << " "
             << std::fixed << std::setprecision(1) << ms << "ms\n";
        std::lock_guard lock(log_mutex);
        err << line.str() << std::flush;
    });

    int port = params.port;
    if (port == 0) port = server.bind_to_any_port(params.host);
    else if (!server.bind_to_port(params.host, port)) port = -1;
    if (port < 0) {
        err << "aides-serve: cannot listen on " << params.host << ":" << params.port << "\n";
        return 1;
    }
    bool ipv6 = params.host.find(':') != std::string::npos;
    out << "listening on http://" << (ipv6 ? "[" + params.host + "]" : params.host) << ":" << port << std::endl;

    std::atomic<bool> signalled = false;
    std::thread stopper([&] {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        signalled = true;
        server.stop();
    });
    server.listen_after_bind();
    // listen_after_bind() returns once stopped and every accepted connection is answered.
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);  // it failed: wake the stopper
    stopper.join();
    err << "aides-serve: stopped\n";
    return signalled ? 0 : 1;
}

}  // namespace aides::serve
