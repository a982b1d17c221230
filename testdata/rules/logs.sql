CREATE STREAM logs (service VARCHAR, level VARCHAR, msg VARCHAR, ts TIMESTAMP)
  WITH (shards = 2, event_time = 'ts');
