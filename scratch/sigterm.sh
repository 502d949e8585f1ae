SLACK_BOT_TOKEN=xoxb-x SLACK_SIGNING_SECRET=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa PORT=39123 BURNRATE_STATE_FILE=/tmp/sig.sqlite node bin/burnrate-server.js &
PID=$!
for i in $(seq 1 50); do curl -s localhost:39123/healthz >/dev/null && break; sleep 0.1; done
kill -TERM $PID
for i in $(seq 1 30); do kill -0 $PID 2>/dev/null || { echo "exited after ${i}00ms"; exit 0; }; sleep 0.1; done
echo "still running after 3 s"; kill -9 $PID
