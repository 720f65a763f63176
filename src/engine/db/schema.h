// The schema of a store's database (<root>/ward.db), shared by the modules
// that keep rows in it: the image store (images, layers, tags) and the
// engine (containers, user-namespace ranges).  One list, because
// PRAGMA user_version counts one sequence of steps (migrate.cc).
//
// containers: one row per container.  `spec` is the engine's create
// record (JSON: what `inspect` shows as Config and HostConfig, and what
// start needs); `status` is created, running or exited; pid and
// pid_start_time name the init while it runs; restarting while a
// detached container's monitor waits to restart it.  restart_count counts
// the monitor's restarts; stop_requested is set by stop, kill and rm (a
// container the user stopped is not restarted); monitor_pid and
// monitor_start_time name a detached container's ward-monitor.
// health: Docker's State.Health as JSON (Status, FailingStreak, Log), ''
// for a container without a health check.
// volumes: `ward volume`'s named and anonymous volumes (data under
// <store>/volumes/<name>/_data); container_volumes: which container mounts
// which volume where, so a volume in use cannot be removed (a row goes
// with its container).  secrets: `ward secret`'s metadata (the data is
// under <store>/secrets/<id>, mode 0600).  events: `ward events`'s stream,
// oldest first; time_nano is Docker's timeNano, attributes its Actor's.
// userns_ranges: slot N is the container's 65536 ids at the ward range's
// start + N * 65536 (engine/userns.h); the host ids are kept with it, so a
// later edit of /etc/subuid cannot move a container's files' owners.
#pragma once

#include <array>

#include "engine/db/database.h"

namespace ward::db {

// Append only: a released ward's databases are at one of these versions.
inline constexpr std::array<Migration, 8> kStoreMigrations = {{
    {"images, layers and tags", R"sql(
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  manifest_digest TEXT NOT NULL DEFAULT '',
  manifest_media_type TEXT NOT NULL DEFAULT '',
  config_digest TEXT NOT NULL,
  created TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL
);
CREATE TABLE layers (
  chain_id TEXT PRIMARY KEY,
  diff_id TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  blob_digest TEXT NOT NULL DEFAULT '',
  blob_media_type TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  chain_id TEXT NOT NULL REFERENCES layers(chain_id),
  diff_id TEXT NOT NULL,
  blob_digest TEXT NOT NULL DEFAULT '',
  blob_media_type TEXT NOT NULL DEFAULT '',
  blob_size INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (image_id, position)
);
CREATE INDEX image_layers_chain_id ON image_layers(chain_id);
CREATE INDEX image_layers_blob_digest ON image_layers(blob_digest);
CREATE INDEX images_manifest_digest ON images(manifest_digest);
CREATE TABLE tags (
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
);
CREATE INDEX tags_image_id ON tags(image_id);
CREATE TABLE repo_digests (
  reference TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
);
CREATE INDEX repo_digests_image_id ON repo_digests(image_id);
)sql"},
    {"containers and user-namespace ranges", R"sql(
CREATE TABLE containers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  image_id TEXT NOT NULL REFERENCES images(id),
  created TEXT NOT NULL,
  spec TEXT NOT NULL,
  status TEXT NOT NULL,
  pid INTEGER NOT NULL DEFAULT 0,
  pid_start_time INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT 0,
  oom_killed INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX containers_image_id ON containers(image_id);
CREATE TABLE userns_ranges (
  slot INTEGER PRIMARY KEY,
  container_id TEXT NOT NULL UNIQUE REFERENCES containers(id) ON DELETE CASCADE,
  host_uid INTEGER NOT NULL,
  host_gid INTEGER NOT NULL
);
)sql"},
    {"containers' restarts, stop requests and monitors", R"sql(
ALTER TABLE containers ADD COLUMN restart_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE containers ADD COLUMN stop_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE containers ADD COLUMN monitor_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE containers ADD COLUMN monitor_start_time INTEGER NOT NULL DEFAULT 0;
)sql"},
    {"paused containers", R"sql(
ALTER TABLE containers ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
)sql"},
    {"volumes and the containers that mount them", R"sql(
CREATE TABLE volumes (
  name TEXT PRIMARY KEY,
  driver TEXT NOT NULL DEFAULT 'local',
  created TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}',
  options TEXT NOT NULL DEFAULT '{}',
  anonymous INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE container_volumes (
  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
  volume_name TEXT NOT NULL REFERENCES volumes(name),
  destination TEXT NOT NULL,
  PRIMARY KEY (container_id, destination)
);
CREATE INDEX container_volumes_volume_name ON container_volumes(volume_name);
)sql"},
    {"secrets", R"sql(
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  driver TEXT NOT NULL DEFAULT 'file',
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}'
);
)sql"},
    {"events", R"sql(
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_nano INTEGER NOT NULL,
  type TEXT NOT NULL,
  action TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_time_nano ON events(time_nano);
)sql"},
    {"containers' health", R"sql(
ALTER TABLE containers ADD COLUMN health TEXT NOT NULL DEFAULT '';
)sql"},
}};

}  // namespace ward::db
