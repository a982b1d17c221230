// Package filestore implements output.ObjectStore on a local directory.
//
// A key maps to the file of the same relative path under the root
// directory. Put writes a hidden temporary file in the target directory
// (".tmp-*"), syncs it, renames it over the key and syncs the directory, so
// a reader never sees a partial object and a crash leaves either the old
// object or the new one (plus, at worst, a stray temporary file that List
// ignores). Delete removes the file and then the directories it leaves
// empty, up to the root. List walks the tree and returns keys in lexical
// order, like S3.
package filestore
