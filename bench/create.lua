-- wrk script for bench-api.sh: every request creates a context issue.
-- The body is a valid issue (required fields and a few optional ones); the
-- server answers 201, and wrk counts anything else as "Non-2xx". The owner is one of
-- the 50 people bench-store --keep adds before the issues.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- The API token bench-api.sh made (wrk -H sets it too; a script's headers are its own).
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ISMS_TOKEN") or "")
wrk.body = '{"title":"Benchmark issue created over HTTP","origin":"external",' ..
           '"category":"technological","status":"open","owner":"PER-7",' ..
           '"description":"Created by bench/bench-api.sh to time creates.",' ..
           '"review_date":"2027-06-30"}'
