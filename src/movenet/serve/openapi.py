"""The scripts API of `movenet serve`, described in OpenAPI 3.1 (served at /api/openapi.json)."""

from __future__ import annotations

from movenet.exercise import list_exercises
from movenet.falls import list_methods

_POSE = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "box": {"type": ["array", "null"], "items": {"type": "number"}, "description": "[x_min, y_min, x_max, y_max] in pixels"},
        "id": {"type": ["integer", "null"], "description": "track id (null for still images)"},
        "keypoints": {"type": "array", "minItems": 17, "maxItems": 17, "items": {
            "type": "object", "properties": {
                "name": {"type": "string"}, "x": {"type": "number"}, "y": {"type": "number"}, "score": {"type": "number"},
            }}},
    },
}
_ERROR = {"description": "what was wrong", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
_SETTINGS = [
    {"name": "model", "in": "query", "schema": {"type": "string", "enum": ["lightning", "thunder", "multipose"]},
     "description": "default: the server's --model"},
    {"name": "precision", "in": "query", "schema": {"type": "string", "enum": ["fp32", "int8"]}},
    {"name": "min_pose_score", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1}},
    {"name": "max_poses", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 6}},
]
_ANALYSIS = [
    {"name": "exercise", "in": "query", "schema": {"type": "string", "enum": list_exercises()},
     "description": "also count this exercise: /exercise.json, the JSON of `movenet exercise --json`"},
    {"name": "falls", "in": "query", "schema": {"type": "string", "enum": list_methods()},
     "description": "also detect falls with this method: /falls.jsonl, the lines of `movenet falls --events`"},
]
_REFUSALS = {
    "400": _ERROR, "403": {**_ERROR, "description": "a foreign Origin, Host or site"},
    "413": {**_ERROR, "description": "body or image over the limit"},
    "415": {**_ERROR, "description": "not an accepted content type, or the bytes are not one"},
    "503": {**_ERROR, "description": "busy: try again (Retry-After)"},
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "movenet serve", "version": "1",
             "description": "Local pose estimation with Google's MoveNet. Only this machine's own page and "
                            "clients without an Origin header (scripts) are served."},
    "paths": {
        "/api/poses": {"post": {
            "summary": "Poses in an image (the JSON of `movenet predict`, one entry without \"file\")",
            "parameters": _SETTINGS,
            "requestBody": {"required": True, "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in (
                "image/jpeg", "image/png", "image/webp", "image/bmp", "application/octet-stream")}},
            "responses": {"200": {"description": "the poses", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "width": {"type": "integer"}, "height": {"type": "integer"}, "model": {"type": "string"},
                    "poses": {"type": "array", "items": _POSE}}}}}}, **_REFUSALS},
        }},
        "/api/videos": {"post": {
            "summary": "Process a video on the server: returns a job (202); poll it, download, delete",
            "parameters": _SETTINGS + _ANALYSIS,
            "requestBody": {"required": True, "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in (
                "video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "application/octet-stream")}},
            "responses": {"202": {"description": "the job: id, state, frames, total, downloads"}, **_REFUSALS},
        }},
        "/api/videos/{job}": {
            "get": {"summary": "a job's progress: state (running, done, failed, cancelled), frames, total",
                    "responses": {"200": {"description": "the job"}, "404": _ERROR}},
            "delete": {"summary": "stop the job and delete its files", "responses": {"204": {"description": "deleted"}}},
        },
        "/api/videos/{job}/annotated.mp4": {"get": {"summary": "the annotated video", "responses": {"200": {"description": "video/mp4"}}}},
        "/api/videos/{job}/poses.jsonl": {"get": {"summary": "one JSON line per frame, as `movenet track --jsonl`",
                                                  "responses": {"200": {"description": "application/x-ndjson"}}}},
        "/api/videos/{job}/exercise.json": {"get": {"summary": "the exercise report (with ?exercise=), as `movenet exercise --json`",
                                                    "responses": {"200": {"description": "application/json"}}}},
        "/api/videos/{job}/falls.jsonl": {"get": {"summary": "the fall events (with ?falls=), as `movenet falls --events`",
                                                  "responses": {"200": {"description": "application/x-ndjson"}}}},
        "/api/info": {"get": {"summary": "models, settings, skeleton, colours, limits", "responses": {"200": {"description": "JSON"}}}},
    },
}
